package io.tttdiscover.cli.simulate;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Greedy search one decision at a time (coordinate descent on measured scores): from the all-baseline program
 * (alternative 0 of every decision, or its first alternative that runs on the target), sweep the decisions in order;
 * for each, evaluate every other alternative with the rest held, and keep the best. Sweep again until a sweep improves
 * nothing, then restart from a uniform random program, until the budget is spent. The program in hand is not
 * evaluated again within its sweep; a failed program counts as worse than any that runs. A decision inactive under the
 * current program ({@code active_when}) is skipped: its alternatives would all give the same program.
 */
public final class GreedySearch implements SearchStrategy {
    private final ScoreOracle oracle;

    public GreedySearch(ScoreOracle oracle) {
        this.oracle = oracle;
    }

    @Override
    public String name() {
        return "greedy";
    }

    @Override
    public Evaluations run(long seed, int budget) {
        Random rng = new Random(seed);
        Evaluations evaluations = new Evaluations(oracle, seed, budget);
        List<Integer> start = baseline(oracle.available());
        while (!evaluations.spent()) {
            descend(new ArrayList<>(start), evaluations);
            start = RandomSearch.uniform(oracle.available(), rng);
        }
        return evaluations;
    }

    /** Sweeps from {@code current} until a sweep improves nothing or the budget is spent. */
    private void descend(List<Integer> current, Evaluations evaluations) {
        Double currentScore = evaluations.evaluate(current);
        boolean improved = true;
        while (improved) {
            improved = false;
            for (int d = 0; d < current.size(); d++) {
                if (!oracle.choosable().active(d, current)) {
                    continue; // its slot is dead code under the current program: every alternative is the same program
                }
                boolean[] mask = oracle.available().get(d);
                int held = current.get(d);
                int bestAlternative = held;
                for (int a = 0; a < mask.length; a++) {
                    if (!mask[a] || a == held) {
                        continue;
                    }
                    if (evaluations.spent()) {
                        return;
                    }
                    current.set(d, a);
                    Double score = evaluations.evaluate(current);
                    if (better(score, currentScore)) {
                        currentScore = score;
                        bestAlternative = a;
                    }
                }
                current.set(d, bestAlternative);
                improved |= bestAlternative != held;
            }
        }
    }

    private static boolean better(Double score, Double than) {
        return score != null && (than == null || score < than);
    }

    static List<Integer> baseline(List<boolean[]> available) {
        List<Integer> choices = new ArrayList<>(available.size());
        for (boolean[] mask : available) {
            int a = 0;
            while (!mask[a]) {
                a++;
            }
            choices.add(a);
        }
        return choices;
    }
}
