package io.tttdiscover.cli.simulate;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GreedySearchTest {

    @Test
    void onAnAdditiveModelOneSweepFromTheBaselineReachesTheExactOptimum() {
        ScoreOracle oracle = Toy.additiveOracle();
        Optimum best = Optimum.find(oracle);
        Evaluations e = new GreedySearch(oracle).run(0, 200);
        assertEquals(oracle.score(Toy.program("plain", "five", "sigmoid", "f32")), e.scores().get(0),
                "it starts from the all-baseline program");
        int to = e.evaluationsTo(best.score());
        // one sweep: the baseline, then every other alternative of each decision (2 + 1 + 2 + 2 on cuda)
        assertTrue(to >= 2 && to <= 1 + 7, "reached the optimum after " + to + " evaluations");
        assertEquals(best.score(), e.best(), 1e-12);
        assertEquals(200, e.count(), "after converging it restarts from random programs until the budget is spent");
    }

    @Test
    void theSameSeedSearchesTheSameWay() {
        ScoreOracle oracle = Toy.additiveOracle();
        assertEquals(new GreedySearch(oracle).run(3, 100).scores(), new GreedySearch(oracle).run(3, 100).scores());
    }
}
