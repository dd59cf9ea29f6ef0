package io.tttdiscover.cli.simulate;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Uniform random search: every evaluation a fresh program, each decision uniform over the target's alternatives. */
public final class RandomSearch implements SearchStrategy {
    private final ScoreOracle oracle;

    public RandomSearch(ScoreOracle oracle) {
        this.oracle = oracle;
    }

    @Override
    public String name() {
        return "random";
    }

    @Override
    public Evaluations run(long seed, int budget) {
        Random rng = new Random(seed);
        Evaluations evaluations = new Evaluations(oracle, seed, budget);
        while (!evaluations.spent()) {
            evaluations.evaluate(uniform(oracle.available(), rng));
        }
        return evaluations;
    }

    /** One program drawn uniformly: each decision uniform over its alternatives that run on the target. */
    static List<Integer> uniform(List<boolean[]> available, Random rng) {
        List<Integer> choices = new ArrayList<>(available.size());
        for (boolean[] mask : available) {
            int pick = rng.nextInt(Optimum.count(mask));
            for (int a = 0; a < mask.length; a++) {
                if (mask[a] && pick-- == 0) {
                    choices.add(a);
                    break;
                }
            }
        }
        return choices;
    }
}
