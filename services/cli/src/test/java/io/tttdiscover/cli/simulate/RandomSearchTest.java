package io.tttdiscover.cli.simulate;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RandomSearchTest {

    @Test
    void drawsEachDecisionUniformlyOverTheTargetsAlternativesOnly() {
        List<boolean[]> available = Toy.pack().programSpace().available("cuda");
        int[][] counts = new int[4][3];
        Random rng = new Random(1);
        int draws = 30_000;
        for (int i = 0; i < draws; i++) {
            List<Integer> p = RandomSearch.uniform(available, rng);
            for (int d = 0; d < 4; d++) {
                counts[d][p.get(d)]++;
            }
        }
        for (int d = 0; d < 4; d++) {
            int valid = Optimum.count(available.get(d));
            for (int a = 0; a < 3; a++) {
                if (available.get(d)[a]) {
                    assertEquals(1.0 / valid, counts[d][a] / (double) draws, 0.015, "decision " + d + " alt " + a);
                } else {
                    assertEquals(0, counts[d][a], "decision " + d + " alt " + a + " does not run on cuda");
                }
            }
        }
    }

    @Test
    void evaluationsToTheTargetFollowTheOneInFiftyFourChanceOfTheOptimum() {
        ScoreOracle oracle = Toy.additiveOracle();
        double target = Optimum.find(oracle).score() * 1.05;
        // 54 programs run on cuda and only the optimum is within 5%: a geometric count with mean 54, sd ~53.5
        int seeds = 300;
        double sum = 0;
        for (long seed = 0; seed < seeds; seed++) {
            Evaluations e = new RandomSearch(oracle).run(seed, 2000);
            assertEquals(2000, e.count());
            int to = e.evaluationsTo(target);
            assertTrue(to >= 1, "seed " + seed + " never reached it in 2000 evaluations");
            sum += to;
        }
        double mean = sum / seeds;
        double se = 53.5 / Math.sqrt(seeds);
        assertTrue(Math.abs(mean - 54) < 3 * se, "mean evaluations to the optimum " + mean);
        int first = new RandomSearch(oracle).run(0, 2000).evaluationsTo(target);
        // P(more than 373 evaluations) = (53/54)^373 < 0.001
        assertTrue(first >= 1 && first <= 373, "seed 0 took " + first);
    }
}
