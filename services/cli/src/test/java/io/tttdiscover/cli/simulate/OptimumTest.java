package io.tttdiscover.cli.simulate;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OptimumTest {

    @Test
    void theAdditiveModelsOptimumIsItsFastestAlternativeOfEachDecision() {
        ScoreOracle oracle = Toy.additiveOracle();
        Optimum best = Optimum.find(oracle);
        assertEquals(Toy.program("fast", "fused", "exp", "f16"), best.choices());
        assertEquals(22 * Math.cbrt(6), best.score(), 1e-9);
        assertEquals(54, best.programs());
        assertEquals(bruteForce(oracle), best.score(), 1e-12);
    }

    @Test
    void withInteractionsAndFailuresTheSearchAgreesWithEnumeratingEveryProgram() {
        Map<String, List<Double>> gating = new LinkedHashMap<>();
        gating.put("*|sigmoid", List.of(30.0, 10.0));
        gating.put("*|tanh", List.of(20.0, 40.0));
        gating.put("*|exp", List.of(35.0, 5.0));
        gating.put("fused|sigmoid", List.of(0.0, 0.0));
        gating.put("fused|tanh", List.of(0.0, 0.0));
        gating.put("fused|exp", List.of(0.0, 0.0));
        Map<String, List<Double>> proj = new LinkedHashMap<>();
        proj.put("five", List.of(10.0, 10.0));
        proj.put("fused", List.of(45.0, 20.0));
        Map<String, List<Double>> contraction = new LinkedHashMap<>();
        contraction.put("*|*", List.of(20.0, 20.0));
        contraction.put("f16|*", List.of(5.0, 50.0));
        contraction.put("f16|fast", null);
        contraction.put("f64|*", List.of(80.0, 80.0));
        ScoreOracle oracle = ScoreOracle.of(Toy.model(2, Toy.stage("gating", List.of("proj", "gate"), gating),
                Toy.stage("proj", List.of("proj"), proj), Toy.stage("contraction", List.of("prec", "norm"),
                        contraction)), Toy.pack().programSpace());
        Optimum best = Optimum.find(oracle);
        assertEquals(bruteForce(oracle), best.score(), 1e-12);
        assertEquals(best.score(), oracle.score(best.choices()), 1e-12);
        assertTrue(best.visited() <= best.combinations());
    }

    /** The best score over every program that runs on the target. */
    private static double bruteForce(ScoreOracle oracle) {
        double best = Double.POSITIVE_INFINITY;
        List<boolean[]> available = oracle.available();
        for (int n = 0; n < 3; n++) {
            for (int p = 0; p < 3; p++) {
                for (int g = 0; g < 3; g++) {
                    for (int c = 0; c < 3; c++) {
                        if (available.get(0)[n] && available.get(1)[p] && available.get(2)[g] && available.get(3)[c]) {
                            Double s = oracle.score(List.of(n, p, g, c));
                            if (s != null) {
                                best = Math.min(best, s);
                            }
                        }
                    }
                }
            }
        }
        return best;
    }
}
