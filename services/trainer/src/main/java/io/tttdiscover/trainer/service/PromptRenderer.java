package io.tttdiscover.trainer.service;

import io.tttdiscover.protocol.pack.ProblemPack;
import io.tttdiscover.trainer.algorithm.ArchiveState;

import java.util.Locale;
import java.util.Map;

/**
 * Fills a pack's prompt template for LLM backends: the parent's code, its runtime, the target and the gap (the
 * placeholders pack.yml documents).
 */
final class PromptRenderer {

    private PromptRenderer() {
    }

    static String render(ProblemPack pack, ArchiveState parent, Double parentRuntimeUs) {
        double target = pack.targetUs();
        String runtime = parentRuntimeUs == null ? "not measured yet" : format(parentRuntimeUs) + " us";
        String gap = gap(parentRuntimeUs, target);
        String section;
        if (parent.code() == null || parent.code().isBlank()) {
            section = "There is no previous code yet: write the program from scratch.";
        } else {
            section = "Here is the last code we ran:\n```python\n" + parent.code().strip() + "\n```\n"
                    + "Its runtime: " + runtime + " (target " + format(target) + " us; " + gap + ").";
        }
        return ProblemPack.fill(pack.promptTemplate(), Map.of(
                "parent_section", section,
                "parent_code", parent.code() == null ? "" : parent.code(),
                "parent_runtime_us", runtime,
                "target_us", format(target),
                "gap", gap));
    }

    static String gap(Double runtimeUs, double targetUs) {
        if (runtimeUs == null || targetUs <= 0) {
            return "gap unknown";
        }
        if (runtimeUs <= targetUs) {
            return String.format(Locale.ROOT, "already %.2fx faster than the target", targetUs / runtimeUs);
        }
        return String.format(Locale.ROOT, "%.2fx slower than the target", runtimeUs / targetUs);
    }

    private static String format(double us) {
        return String.format(Locale.ROOT, "%.1f", us);
    }
}
