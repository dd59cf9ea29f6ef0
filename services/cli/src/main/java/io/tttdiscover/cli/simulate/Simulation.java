package io.tttdiscover.cli.simulate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs search strategies over seeds with one budget and measures each against the space's best score: how many
 * evaluations until a program within the target (noise-free score at most {@code target}), and the best found.
 */
public final class Simulation {

    private Simulation() {
    }

    /**
     * One seed's search.
     *
     * @param evaluationsToTarget evaluations until the first program within the target (duplicates counted), null
     *                            when none was within the budget
     * @param best                the best noise-free score it evaluated, null if every evaluation failed
     */
    public record SeedResult(long seed, int evaluations, Integer evaluationsToTarget, Double best) {
    }

    /**
     * A strategy over all seeds. A seed that never reached the target counts as infinitely many evaluations, so a
     * median or maximum it decides is null ("never"), as is a best score decided by a seed that found nothing.
     */
    public record StrategyResult(String strategy, int reached, int never, Double medianEvaluations,
                                 Integer minEvaluations, Integer maxEvaluations, Double medianBest, Double minBest,
                                 Double maxBest, List<SeedResult> seeds) {
    }

    public static StrategyResult run(SearchStrategy strategy, List<Long> seeds, int budget, double target) {
        List<SeedResult> results = new ArrayList<>();
        for (long seed : seeds) {
            Evaluations e = strategy.run(seed, budget);
            int to = e.evaluationsTo(target);
            results.add(new SeedResult(seed, e.count(), to == 0 ? null : to, e.best()));
        }
        return summarize(strategy.name(), results);
    }

    static StrategyResult summarize(String strategy, List<SeedResult> seeds) {
        double[] evaluations = seeds.stream().mapToDouble(s -> s.evaluationsToTarget() == null
                ? Double.POSITIVE_INFINITY : s.evaluationsToTarget()).sorted().toArray();
        double[] best = seeds.stream().mapToDouble(s -> s.best() == null ? Double.POSITIVE_INFINITY : s.best())
                .sorted().toArray();
        int reached = (int) Arrays.stream(evaluations).filter(Double::isFinite).count();
        return new StrategyResult(strategy, reached, seeds.size() - reached, finite(median(evaluations)),
                integer(evaluations[0]), integer(evaluations[evaluations.length - 1]), finite(median(best)),
                finite(best[0]), finite(best[best.length - 1]), List.copyOf(seeds));
    }

    /** The median of sorted values: the middle one, or the mean of the two middle ones. */
    static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    private static Integer integer(double v) {
        return Double.isFinite(v) ? (int) v : null;
    }
}
