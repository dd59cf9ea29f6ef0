package io.tttdiscover.cli.simulate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The best score of a program space under a {@link ScoreOracle}, found exactly: a depth-first search over the
 * decisions the model's stages name (the others do not change a score, so they keep their first alternative that runs
 * on the target), cutting a branch when no completion can beat the best found so far. The bound is the geometric mean
 * of per-benchmark sums of each stage's fastest row still reachable, which no completion undercuts.
 *
 * @param programs     different programs of the whole space that run on the target (inactive decisions' choices
 *                     do not count)
 * @param combinations programs that differ in the scored decisions (what an exhaustive search would enumerate)
 * @param visited      complete programs the search scored
 */
public record Optimum(double score, List<Integer> choices, double programs, double combinations, long visited) {

    /** @throws IllegalArgumentException when every program fails under the model */
    public static Optimum find(ScoreOracle oracle) {
        List<boolean[]> available = oracle.available();
        int[] program = new int[available.size()];
        // choices of a decision that is inactive under the others are dead code: they do not make another program
        double programs = oracle.choosable().programs().doubleValue();
        for (int d = 0; d < program.length; d++) {
            program[d] = first(available.get(d));
        }
        List<Integer> scored = oracle.scoredDecisions();
        double combinations = 1;
        for (int d : scored) {
            combinations *= count(available.get(d));
        }
        int[] partial = new int[program.length];
        Arrays.fill(partial, -1);
        for (int d = 0; d < program.length; d++) {
            if (!scored.contains(d)) {
                partial[d] = program[d];
            }
        }
        Search search = new Search(oracle, scored, partial);
        search.descend(0);
        if (search.best == null) {
            throw new IllegalArgumentException("every program fails under the model");
        }
        return new Optimum(search.bestScore, List.copyOf(search.best), programs, combinations, search.visited);
    }

    /** How it was found, in words. */
    public String method() {
        return String.format(Locale.ROOT, "exact: branch and bound over the %.0f combinations of the decisions the "
                + "model's stages name (%d scored, the rest ruled out by a lower bound)", combinations, visited);
    }

    private static int first(boolean[] mask) {
        for (int a = 0; a < mask.length; a++) {
            if (mask[a]) {
                return a;
            }
        }
        throw new IllegalArgumentException("a decision has no alternative for the target");
    }

    static int count(boolean[] mask) {
        int n = 0;
        for (boolean m : mask) {
            n += m ? 1 : 0;
        }
        return n;
    }

    private static final class Search {
        final ScoreOracle oracle;
        final List<Integer> scored;
        final int[] partial;
        List<Integer> best;
        double bestScore = Double.POSITIVE_INFINITY;
        long visited;

        Search(ScoreOracle oracle, List<Integer> scored, int[] partial) {
            this.oracle = oracle;
            this.scored = scored;
            this.partial = partial;
        }

        void descend(int k) {
            if (k == scored.size()) {
                List<Integer> choices = Arrays.stream(partial).boxed().toList();
                visited++;
                Double s = oracle.score(choices);
                if (s != null && s < bestScore) {
                    bestScore = s;
                    best = new ArrayList<>(choices);
                }
                return;
            }
            double[] bound = oracle.lowerBound(partial);
            if (bound == null || (best != null && positive(bound)
                    && ScoreOracle.geomean(bound, () -> "") >= bestScore)) {
                return;
            }
            int d = scored.get(k);
            boolean[] mask = oracle.available().get(d);
            for (int a = 0; a < mask.length; a++) {
                if (mask[a]) {
                    partial[d] = a;
                    descend(k + 1);
                }
            }
            partial[d] = -1;
        }

        private static boolean positive(double[] totals) {
            return Arrays.stream(totals).allMatch(t -> t > 0);
        }
    }
}
