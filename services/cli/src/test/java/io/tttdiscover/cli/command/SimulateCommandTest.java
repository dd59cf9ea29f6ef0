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
        assertEquals(7, report.path("rl").path("steps").asInt(), "100 evaluations hold 7 steps of 2 x 8");
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
    void aModelOfAnotherProblemIsRefused() throws Exception {
        int rc = Discover.commandLine().execute("simulate", "--problems", resources().toString(), "--problem", "other",
                "--model", resources().resolve("synthetic-additive-model.json").toString());
        assertEquals(1, rc);
    }

    private static Path resources() throws URISyntaxException, IOException {
        return Path.of(SimulateCommandTest.class.getResource("/simulate").toURI());
    }
}
