package io.tttdiscover.cli.simulate;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * A search's evaluations in order, up to its budget: every one counts, a program evaluated again included. A search
 * sees only the measured score (with the model's noise); the noise-free score of each evaluated program is kept to
 * judge the search.
 */
public final class Evaluations {
    private final ScoreOracle oracle;
    private final Random noise;
    private final int budget;
    private final List<Double> scores = new ArrayList<>();
    private final List<List<Integer>> programs = new ArrayList<>();

    public Evaluations(ScoreOracle oracle, long seed, int budget) {
        if (budget < 1) {
            throw new IllegalArgumentException("the budget must be at least 1 evaluation, was " + budget);
        }
        this.oracle = oracle;
        // a stream of its own, so the noise does not repeat the search's own draws from the same seed
        this.noise = new Random(Long.rotateLeft(seed, 32) ^ 0x6A09E667F3BCC909L);
        this.budget = budget;
    }

    /**
     * Evaluates one program.
     *
     * @return its measured score, null when it fails
     * @throws IllegalStateException when the budget is spent
     */
    public Double evaluate(List<Integer> choices) {
        if (spent()) {
            throw new IllegalStateException("the budget of " + budget + " evaluations is spent");
        }
        Double score = oracle.score(choices);
        scores.add(score);
        programs.add(List.copyOf(choices));
        return score == null ? null : oracle.measure(score, noise);
    }

    /** The choices of every evaluated program, in order. */
    public List<List<Integer>> programs() {
        return Collections.unmodifiableList(programs);
    }

    public boolean spent() {
        return scores.size() >= budget;
    }

    public int count() {
        return scores.size();
    }

    /** Noise-free scores in evaluation order, null for a failed program. */
    public List<Double> scores() {
        return Collections.unmodifiableList(new ArrayList<>(scores));
    }

    /** How many evaluations it took to first evaluate a program scoring at most {@code target}; 0 if none did. */
    public int evaluationsTo(double target) {
        for (int i = 0; i < scores.size(); i++) {
            if (scores.get(i) != null && scores.get(i) <= target) {
                return i + 1;
            }
        }
        return 0;
    }

    /** The best noise-free score evaluated, null if every evaluation failed. */
    public Double best() {
        return scores.stream().filter(s -> s != null).min(Double::compare).orElse(null);
    }
}
