package io.tttdiscover.cli.simulate;

import io.tttdiscover.protocol.pack.ActiveWhen;
import io.tttdiscover.protocol.pack.Alternative;
import io.tttdiscover.protocol.pack.Decision;
import io.tttdiscover.protocol.pack.ProgramSpace;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

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

    /**
     * kernel: torch | triton; block: v64 | v128 | v256, active only under triton; dtype: f32 | f16. Under torch the
     * block slot is dead code: its alternatives give the same program, so greedy does not spend evaluations on them.
     */
    @Test
    void aDecisionInactiveUnderTheCurrentProgramIsNotSwept() {
        Alternative torch = new Alternative("torch", List.of("cuda"), "k = 'torch'");
        ProgramSpace space = new ProgramSpace("toy", "{{kernel}}{{block}}{{dtype}}", List.of(
                new Decision("kernel", "", List.of(torch, new Alternative("triton", List.of("cuda"), "k = 't'"))),
                new Decision("block", "", List.of(new Alternative("v64", List.of("cuda"), "b = 64"),
                        new Alternative("v128", List.of("cuda"), "b = 128"),
                        new Alternative("v256", List.of("cuda"), "b = 256")),
                        new ActiveWhen("kernel", List.of("triton"))),
                new Decision("dtype", "", List.of(new Alternative("f32", List.of("cuda"), "d = 32"),
                        new Alternative("f16", List.of("cuda"), "d = 16")))));
        StageModel model = Toy.model(1,
                Toy.stage("kernel", List.of("kernel", "block"), Map.of("torch|*", List.of(3.0),
                        "triton|v64", List.of(5.0), "triton|v128", List.of(2.0), "triton|v256", List.of(6.0))),
                Toy.stage("dtype", List.of("dtype"), Map.of("f32", List.of(1.0), "f16", List.of(0.5))));
        ScoreOracle oracle = ScoreOracle.of(model, space);
        Evaluations e = new GreedySearch(oracle).run(0, 40);
        // baseline (torch, v64, f32) 4; kernel -> triton 6 (kept torch); block skipped; dtype -> f16 3.5 (taken);
        // second sweep: triton 5.5, block skipped, f32 4: no gain, so a random restart follows. Sweeping the dead
        // block slot would have spent 2 evaluations per sweep on copies of the program in hand.
        assertEquals(List.of(4.0, 6.0, 3.5, 5.5, 4.0), e.scores().subList(0, 5));
        assertEquals(List.of(0, 0, 1), e.programs().get(2));
    }
}
