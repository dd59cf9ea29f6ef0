package io.tttdiscover.cli.simulate;

import io.tttdiscover.protocol.event.PolicyParameters;
import io.tttdiscover.protocol.event.StepMetrics;
import io.tttdiscover.trainer.service.RunConfig;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PolicySearchTest {
    /** The trainer's defaults for a run on the toy pack's cuda space (the embedded policy's: 1 group x 8 a step). */
    private static final RunConfig DEFAULTS = RunConfig.withDefaults("toy", null, null, null, "cuda", null, null,
            null, null, null, null, null, null, null);

    @Test
    void theProductsTrainStepMovesThePolicyTowardsTheBestAlternativeOfEveryDecision() {
        ScoreOracle oracle = Toy.additiveOracle();
        PolicySearch.Run run = new PolicySearch(Toy.pack(), oracle, DEFAULTS).search(0, 480);
        int perStep = DEFAULTS.groupsPerBatch() * DEFAULTS.groupSize();
        assertEquals(480 / perStep, run.steps().size(), "every full step was trained");
        assertTrue(run.steps().stream().mapToInt(StepMetrics::groupsKept).sum() > 0, "some group carried gradient");
        assertNotEquals(run.initial(), run.last());

        List<Integer> best = Toy.program("fast", "fused", "exp", "f16");
        List<boolean[]> available = oracle.available();
        int learned = 0;
        for (int d = 0; d < best.size(); d++) {
            if (oracle.choosable().count(d) < 3) {
                continue; // one-edit: a two-way decision's edit has one destination, no logit to learn
            }
            assertTrue(margin(run.last(), d, best.get(d), available.get(d)) > margin(run.initial(), d, best.get(d),
                    available.get(d)) + 0.5, "decision " + d + ": the best alternative gained on the others");
            learned++;
        }
        assertEquals(3, learned, "norm, gate and prec have three alternatives each");

        List<Double> scores = run.evaluations().scores();
        double firstStep = mean(scores.subList(0, perStep));
        double lastSteps = mean(scores.subList(scores.size() - 3 * perStep, scores.size()));
        // every child is one edit of its parent, so children of the best stay a step away from it
        assertTrue(lastSteps < firstStep, "mean score of the first step " + firstStep + ", of the last three "
                + lastSteps);
        double firstBest = scores.subList(0, perStep).stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        assertTrue(run.evaluations().best() < firstBest, "the best improved on the first step's");
        assertEquals(Optimum.find(oracle).score(), run.evaluations().best(), 1e-9, "it found the toy's optimum");
    }

    @Test
    void theSameSeedGivesTheSameSearchAndABudgetCutsTheLastStepShort() {
        ScoreOracle oracle = Toy.additiveOracle();
        PolicySearch search = new PolicySearch(Toy.pack(), oracle, DEFAULTS);
        PolicySearch.Run a = search.search(4, 36);
        assertEquals(a.evaluations().scores(), search.search(4, 36).evaluations().scores());
        assertEquals(36, a.evaluations().count());
        assertEquals(4, a.steps().size(), "the fifth step, cut at 4 of 8 evaluations, is not trained");
        assertNotEquals(a.evaluations().scores(), search.search(5, 36).evaluations().scores());
    }

    @Test
    void theRunsTargetMustBeTheModels() {
        RunConfig cpu = RunConfig.withDefaults("toy", null, null, null, "cpu", null, null, null, null, null, null,
                null, null, null);
        assertThrows(IllegalArgumentException.class, () -> new PolicySearch(Toy.pack(), Toy.additiveOracle(), cpu));
    }

    /** theta of alternative a minus the mean theta of the other alternatives that run on the target. */
    private static double margin(PolicyParameters p, int d, int a, boolean[] available) {
        List<Double> theta = p.logits().get(d);
        double others = 0;
        int n = 0;
        for (int i = 0; i < theta.size(); i++) {
            if (i != a && available[i]) {
                others += theta.get(i);
                n++;
            }
        }
        return theta.get(a) - others / n;
    }

    private static double mean(List<Double> scores) {
        return scores.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    }
}
