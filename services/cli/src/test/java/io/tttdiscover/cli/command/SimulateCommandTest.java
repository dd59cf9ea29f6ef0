package io.tttdiscover.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tttdiscover.cli.Discover;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code discover simulate} on the simulator tests' toy pack and synthetic model. */
class SimulateCommandTest {

    @Test
    void everyStrategySearchesWithTheSameBudgetAndTheReportIsWrittenAsJson(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("report.json");
        int rc = Discover.commandLine().execute("simulate", "--problems", resources().toString(), "--model",
                resources().resolve("synthetic-additive-model.json").toString(), "--seeds", "3", "--budget", "100",
                "--out", out.toString());
        assertEquals(0, rc);
        JsonNode report = new ObjectMapper().readTree(out.toFile());
        assertEquals("toy", report.path("problem").asText());
        assertEquals(22 * Math.cbrt(6), report.path("bestScore").asDouble(), 1e-9);
        assertEquals(100, report.path("budget").asInt());
        assertEquals(13, report.path("rl").path("steps").asInt(), "100 evaluations: 13 steps of 1 x 8, the last cut short");
        List<String> names = new ArrayList<>();
        for (JsonNode s : report.path("strategies")) {
            names.add(s.path("strategy").asText());
            assertEquals(3, s.path("seeds").size());
            for (JsonNode seed : s.path("seeds")) {
                assertEquals(100, seed.path("evaluations").asInt());
            }
        }
        assertEquals(List.of("rl", "random", "greedy"), names);
        assertTrue(report.path("counting").asText().contains("evaluated again included"));
    }

    @Test
    void noiseFromTheCommandLineReplacesTheModelsAndMovesWhatTheSearchesSee(@TempDir Path dir) throws Exception {
        JsonNode quiet = simulate(dir.resolve("quiet.json"), "0");
        JsonNode noisy = simulate(dir.resolve("noisy.json"), "0.3");
        assertTrue(quiet.path("noiseRelativeSd").isNull(), "--noise 0 means none");
        assertEquals(0.3, noisy.path("noiseRelativeSd").asDouble(), 1e-12);
        // Greedy is deterministic without noise; with 30 % spread its comparisons go wrong somewhere in 3 seeds.
        JsonNode greedyQuiet = quiet.path("strategies").get(0);
        JsonNode greedyNoisy = noisy.path("strategies").get(0);
        assertEquals("greedy", greedyQuiet.path("strategy").asText());
        assertTrue(!greedyQuiet.path("seeds").toString().equals(greedyNoisy.path("seeds").toString()),
                "the same seeds searched the same way with and without noise");
        assertEquals(1, Discover.commandLine().execute("simulate", "--problems", resources().toString(), "--model",
                resources().resolve("synthetic-additive-model.json").toString(), "--noise", "-1"));
    }

    private static JsonNode simulate(Path out, String noise) throws Exception {
        int rc = Discover.commandLine().execute("simulate", "--problems", resources().toString(), "--model",
                resources().resolve("synthetic-additive-model.json").toString(), "--seeds", "3", "--budget", "60",
                "--strategies", "greedy", "--noise", noise, "--out", out.toString());
        assertEquals(0, rc);
        return new ObjectMapper().readTree(out.toFile());
    }

    @Test
    void aModelOfAnotherProblemIsRefused() throws Exception {
        int rc = Discover.commandLine().execute("simulate", "--problems", resources().toString(), "--problem", "other",
                "--model", resources().resolve("synthetic-additive-model.json").toString());
        assertEquals(1, rc);
    }

    private static Path resources() throws URISyntaxException, IOException {
        return Path.of(SimulateCommandTest.class.getResource("/simulate").toURI());
    }
}
