package io.tttdiscover.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.tttdiscover.cli.local.LocalStack;
import io.tttdiscover.cli.report.StepTable;
import io.tttdiscover.cli.run.RunOutcome;
import io.tttdiscover.cli.run.RunReport;
import io.tttdiscover.cli.run.RunWatcher;
import io.tttdiscover.cli.trainer.TrainerClient;
import io.tttdiscover.protocol.api.RunRequest;
import io.tttdiscover.protocol.event.RewardEvent;
import io.tttdiscover.protocol.event.StepMetrics;
import io.tttdiscover.protocol.pack.ProblemPack;
import io.tttdiscover.protocol.pack.ProblemPacks;
import io.tttdiscover.protocol.pack.ScoreOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every problem pack that asks for it ({@code ci_run: {steps, groups, group_size}} in its pack.yml) runs end to end as
 * {@code discover run --problem <id>} runs it: a real Kafka broker, PostgreSQL, the three services as separate JVMs,
 * the embedded policy over the pack's program space and the pack's real harness. A new pack gets this test by
 * declaring {@code ci_run}, with no Java. (TriMul is covered by DiscoverRunIT and the other end-to-end tests.)
 */
@ExtendWith(ItStack.Shared.class)
class PackRunIT {
    private static final Path REPO = ItStack.REPO;
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    static List<String> packsWithCiRun() {
        ProblemPacks packs = new ProblemPacks(REPO.resolve("problems"));
        return packs.ids().stream().filter(id -> ciRun(id).isObject()).toList();
    }

    private static JsonNode ciRun(String id) {
        try {
            return YAML.readTree(REPO.resolve("problems").resolve(id).resolve("pack.yml").toFile()).path("ci_run");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("packsWithCiRun")
    void aSmallRunCompletesWithRewardsThePackSays(String problem, LocalStack stack) {
        JsonNode ci = ciRun(problem);
        int steps = ci.path("steps").asInt(2);
        int groups = ci.path("groups").asInt(2);
        int groupSize = ci.path("group_size").asInt(4);
        ProblemPack pack = new ProblemPacks(REPO.resolve("problems")).get(problem);
        RunOutcome run = new RunWatcher(new TrainerClient(stack.service("trainer").url()),
                stack.bootstrapServers(), stack.processes(), System.out)
                .createAndWatch(RunRequest.live(problem, steps, groups, groupSize, "cpu", 7, null),
                        Duration.ofMinutes(10));
        RunReport.print(run, 0, 1, System.out);

        assertEquals("COMPLETED", run.status(), () -> "run ended " + run.status() + ": " + run.message()
                + "\n" + ItStack.tails(stack));
        assertEquals(steps, run.steps().size(), "one StepMetrics per step");
        for (StepMetrics m : run.steps()) {
            assertEquals(groups * groupSize, m.samples(), "step " + m.step() + " samples");
        }
        everyRewardIsWhatThePackSays(pack, run.rewards());
        theBestIsTheBestScore(pack, run);
    }

    /** A success's reward is the pack's reward of its score, and the score within the pack's bounds. */
    private static void everyRewardIsWhatThePackSays(ProblemPack pack, List<RewardEvent> rewards) {
        List<RewardEvent> ok = rewards.stream().filter(r -> r.status().success()).toList();
        assertFalse(ok.isEmpty(), "some candidates scored: " + rewards.stream()
                .map(r -> r.status() + " " + r.message()).collect(Collectors.joining("\n")));
        for (RewardEvent r : ok) {
            assertNotNull(r.runtimeUs(), r.candidateId());
            assertEquals(pack.reward(r.runtimeUs()), r.reward(), 1e-9 * Math.max(1, r.reward()), r.candidateId());
            assertTrue(r.runtimeUs() >= pack.minScore("cpu") && r.runtimeUs() <= pack.maxScore("cpu"),
                    r.candidateId() + " score " + r.runtimeUs());
        }
    }

    /** The run's best program has the best score of all its rewards, whichever way the pack's score improves. */
    private static void theBestIsTheBestScore(ProblemPack pack, RunOutcome run) {
        assertNotNull(run.best(), "the run has a best program");
        Double best = run.best().path("runtimeUs").asDouble();
        ScoreOrder order = pack.scoreOrder();
        for (RewardEvent r : run.rewards()) {
            if (r.status().success()) {
                assertFalse(order.better(r.runtimeUs(), best), r.candidateId() + " scored " + r.runtimeUs()
                        + ", better than the run's best " + best);
            }
        }
        for (StepMetrics m : run.steps()) {
            assertFalse(order.better(m.bestRuntimeSoFarUs(), best), "step " + m.step() + " best so far");
        }
        String printed = StepTable.best(run.best());
        assertTrue(printed.contains(pack.scoreUnit().equals("us") ? " us " : pack.scoreName()), printed);
    }
}
