package io.tttdiscover.trainer.algorithm;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The program-space programs a run has evaluated, each once, in the order first evaluated: what its prompts tell the
 * embedded policy not to draw again ({@link io.tttdiscover.protocol.event.PromptEvent#evaluated}). A program is its
 * choices; an LLM-written one has none and is not kept.
 */
public final class EvaluatedPrograms {
    private final LinkedHashSet<List<Integer>> programs = new LinkedHashSet<>();

    /** Keeps {@code choices} (a copy); null is ignored. */
    public void add(List<Integer> choices) {
        if (choices != null) {
            programs.add(List.copyOf(choices));
        }
    }

    public int size() {
        return programs.size();
    }

    /** The last {@code max} programs first evaluated, oldest first. */
    public List<List<Integer>> latest(int max) {
        if (max < 0) {
            throw new IllegalArgumentException("max must be >= 0, was " + max);
        }
        List<List<Integer>> all = new ArrayList<>(programs);
        return List.copyOf(all.subList(Math.max(0, all.size() - max), all.size()));
    }
}
