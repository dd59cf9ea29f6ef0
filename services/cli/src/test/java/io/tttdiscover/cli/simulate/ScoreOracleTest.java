package io.tttdiscover.cli.simulate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScoreOracleTest {

    /** One benchmark; a stage keyed by (prec, norm) with a catch-all, a wildcard row and an exact row. */
    private static ScoreOracle specificity() {
        Map<String, List<Double>> table = new LinkedHashMap<>();
        table.put("*|*", List.of(100.0));
        table.put("f16|*", List.of(50.0));
        table.put("f16|fast", List.of(10.0));
        table.put("f64|*", null);
        table.put("f64|fast", List.of(7.0));
        return ScoreOracle.of(Toy.model(1, Toy.stage("contraction", List.of("prec", "norm"), table)),
                Toy.pack().programSpace());
    }

    @Test
    void theRowWithFewestWildcardsWinsAndAWildcardMatchesAnyAlternative() {
        ScoreOracle oracle = specificity();
        assertEquals(10.0, oracle.score(Toy.program("fast", "five", "tanh", "f16")), 1e-12);
        assertEquals(50.0, oracle.score(Toy.program("plain", "five", "tanh", "f16")), 1e-12);
        assertEquals(50.0, oracle.score(Toy.program("slow", "fused", "exp", "f16")), 1e-12);
        assertEquals(100.0, oracle.score(Toy.program("slow", "fused", "exp", "f32")), 1e-12);
    }

    @Test
    void aMatchedNullRowIsAFailureUnlessAMoreSpecificRowHasTimes() {
        ScoreOracle oracle = specificity();
        assertNull(oracle.score(Toy.program("plain", "five", "sigmoid", "f64")));
        assertNull(oracle.score(Toy.program("slow", "fused", "exp", "f64")));
        assertEquals(7.0, oracle.score(Toy.program("fast", "five", "sigmoid", "f64")), 1e-12);
    }

    @Test
    void aProgramWithoutARowFailsWhenTheOracleIsBuiltNamingTheStageAndKey() {
        Map<String, List<Double>> table = new LinkedHashMap<>();
        table.put("f32", List.of(1.0));
        table.put("f16", List.of(1.0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ScoreOracle.of(
                Toy.model(1, Toy.stage("contraction", List.of("prec"), table)), Toy.pack().programSpace()));
        assertTrue(e.getMessage().contains("stage contraction has no row for prec = f64"), e.getMessage());
    }

    @Test
    void onlyTheTargetsAlternativesMustBeCovered() {
        // cpu_only (proj) never runs on cuda: the model need not mention it
        Map<String, List<Double>> table = new LinkedHashMap<>();
        table.put("five", List.of(2.0));
        table.put("fused", List.of(1.0));
        ScoreOracle oracle = ScoreOracle.of(Toy.model(1, Toy.stage("proj", List.of("proj"), table)),
                Toy.pack().programSpace());
        assertEquals(List.of(1), oracle.scoredDecisions());
        assertEquals(1.0, oracle.score(Toy.program("plain", "fused", "exp", "f16")), 1e-12);
    }

    @Test
    void theScoreIsTheGeometricMeanOverBenchmarksOfTheStageSums() {
        Map<String, List<Double>> norm = new LinkedHashMap<>();
        norm.put("*", List.of(1.0, 3.0));
        Map<String, List<Double>> prec = new LinkedHashMap<>();
        prec.put("*", List.of(1.0, 5.0));
        prec.put("f16", List.of(3.0, 29.0));
        ScoreOracle oracle = ScoreOracle.of(Toy.model(2, Toy.stage("norm", List.of("norm"), norm),
                Toy.stage("contraction", List.of("prec"), prec)), Toy.pack().programSpace());
        // totals (2, 8): geomean 4; with f16 (4, 32): geomean sqrt(128)
        assertEquals(4.0, oracle.score(Toy.program("plain", "five", "sigmoid", "f32")), 1e-12);
        assertEquals(Math.sqrt(128), oracle.score(Toy.program("plain", "five", "sigmoid", "f16")), 1e-12);
    }

    @Test
    void twoEquallySpecificRowsForOneProgramAreAnError() {
        Map<String, List<Double>> table = new LinkedHashMap<>();
        table.put("*|*", List.of(10.0));
        table.put("fused|*", List.of(0.0));
        table.put("*|tanh", List.of(1.0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ScoreOracle.of(
                Toy.model(1, Toy.stage("gating", List.of("proj", "gate"), table)), Toy.pack().programSpace()));
        assertTrue(e.getMessage().contains("fused|*") && e.getMessage().contains("*|tanh"), e.getMessage());
    }

    @Test
    void namesTheModelGetsWrongAreErrors() {
        var space = Toy.pack().programSpace();
        assertThrows(IllegalArgumentException.class, () -> ScoreOracle.of(Toy.model(1, Toy.stage("s",
                List.of("precision"), Map.of("*", List.of(1.0)))), space), "an unknown decision");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ScoreOracle.of(
                Toy.model(1, Toy.stage("s", List.of("prec"), Map.of("*", List.of(1.0), "bf16", List.of(1.0)))), space));
        assertTrue(e.getMessage().contains("bf16") && e.getMessage().contains("f32, f16, f64"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ScoreOracle.of(Toy.model(2, Toy.stage("s",
                List.of("prec"), Map.of("*", List.of(1.0)))), space), "one time for two benchmarks");
    }

    @Test
    void noiseIsSeededLognormalWithTheGivenRelativeSpread() {
        StageModel m = Toy.additive();
        StageModel noisy = new StageModel(m.problem(), m.target(), m.unit(), m.machine(), m.benchmarks(), m.stages(),
                new StageModel.Noise(0.02));
        ScoreOracle oracle = ScoreOracle.of(noisy, Toy.pack().programSpace());
        Random a = new Random(7);
        Random b = new Random(7);
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            double x = oracle.measure(100.0, a);
            assertEquals(x, oracle.measure(100.0, b));
            ratios.add(x / 100.0);
        }
        double mean = ratios.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double sd = Math.sqrt(ratios.stream().mapToDouble(r -> (r - mean) * (r - mean)).sum() / ratios.size());
        assertEquals(1.0, mean, 0.002);
        assertEquals(0.02, sd, 0.001);
        assertNotEquals(100.0, oracle.measure(100.0, new Random(1)));
        assertEquals(100.0, Toy.additiveOracle().measure(100.0, new Random(1)), "no noise without a noise field");
    }

    @Test
    void theModelFileIsReadWithItsExtraFieldsIgnored(@TempDir Path dir) throws IOException {
        StageModel m = Toy.additive();
        assertEquals("cuda", m.target());
        assertEquals(4, m.stages().size());
        assertEquals(Arrays.asList(4.0, 8.0, 12.0), m.stages().get(0).table().get("fast"));
        assertNull(m.noise());

        Path file = dir.resolve("m.json");
        Files.writeString(file, """
                {"problem": "toy", "target": "cuda", "unit": "us", "machine": "x", "benchmarks": ["b0"],
                 "noise": {"relative_sd": 0.02, "kind": "lognormal"}, "measured_at": "then",
                 "stages": [{"name": "s", "keys": ["prec"], "table": {"*": [1.5], "f64": null}, "n": 3}]}
                """);
        StageModel read = StageModel.read(file);
        assertEquals(0.02, read.noise().relativeSd());
        assertTrue(read.stages().get(0).table().containsKey("f64"));
        assertNull(read.stages().get(0).table().get("f64"));
    }
}
