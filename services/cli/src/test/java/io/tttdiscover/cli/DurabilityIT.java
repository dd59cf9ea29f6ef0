package io.tttdiscover.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.tttdiscover.cli.local.Database;
import io.tttdiscover.cli.local.LocalStack;
import io.tttdiscover.cli.local.Ports;
import io.tttdiscover.cli.local.StackOptions;
import io.tttdiscover.cli.local.Supervisor;
import io.tttdiscover.cli.report.RewardLog;
import io.tttdiscover.cli.report.TopicReader;
import io.tttdiscover.protocol.api.RunRequest;
import io.tttdiscover.cli.trainer.TrainerClient;
import io.tttdiscover.protocol.Topics;
import io.tttdiscover.protocol.event.EventCodec;
import io.tttdiscover.protocol.event.PromptEvent;
import io.tttdiscover.protocol.event.RewardEvent;
import io.tttdiscover.protocol.event.StepMetrics;
import io.tttdiscover.testkit.CuttableProxy;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A discovery run survives what a long run meets, on the whole local stack as {@code discover run} runs it (the
 * launcher supervising the services): the trainer killed with SIGKILL in the middle of a step, and the database away
 * for longer than a step's group deadline. Each run must complete with every step trained once on every one of its
 * candidates, and nothing may reach the rewards dead-letter topic.
 */
class DurabilityIT {
    private static final String PROBLEM = "trimul";
    private static final int STEPS = 4;
    private static final int GROUPS = 2;
    private static final int GROUP_SIZE = 4;
    /**
     * The outage test's group deadline: the database stays away longer than this. A step's 8 CPU evaluations must fit
     * in it with room (15 s was too tight on a loaded 2-core machine at 8 x ~2.7 s; with two timed calls per benchmark
     * an evaluation takes about half of that).
     */
    private static final int DEADLINE_S = 20;

    private static LocalStack stack;
    private static CuttableProxy database;
    private static Supervisor supervisor;
    private static final List<String> said = new ArrayList<>();

    @BeforeAll
    static void stack() throws Exception {
        ItStack.assumeRunnable();
        assumeTrue(Ports.answers("127.0.0.1", 5432), "the outage is cut between the trainer and the PostgreSQL on "
                + "127.0.0.1:5432");
        database = new CuttableProxy("127.0.0.1", 5432);
        String dbUrl = "jdbc:postgresql://127.0.0.1:" + database.port() + "/discover_durability";
        Database.recreate(dbUrl);
        StackOptions options = new StackOptions(dbUrl, null, Map.of(), Map.of("evaluator", ItStack.QUICK_EVALUATOR));
        stack = ItStack.start("durability", options);
        supervisor = stack.supervise(3, line -> {
            System.out.println(line);
            said.add(line);
        });
    }

    @AfterAll
    static void down() throws Exception {
        if (stack != null) {
            stack.close();
        }
        if (database != null) {
            database.close();
        }
    }

    @Test
    void aTrainerKilledInTheMiddleOfAStepIsRestartedAndTheRunLosesNothing() throws Exception {
        TrainerClient trainer = trainer();
        String runId = create(trainer, 11, 120);
        try (RewardLog rewards = RewardLog.follow(stack.bootstrapServers(), runId)) {
            // In the middle of step 1: some of its rewards in, not all.
            waitUntil(() -> rewards.count(1) >= 3, Duration.ofMinutes(5), "step 1 under way");
            long pid = stack.service("trainer").process().pid();
            ProcessHandle.of(pid).orElseThrow().destroyForcibly();
            System.out.printf("killed the trainer (pid %d) with %d of %d rewards of step 1 in%n", pid,
                    rewards.count(1), GROUPS * GROUP_SIZE);
            waitUntil(() -> supervisor.restarts("trainer") == 1, Duration.ofSeconds(60), "the trainer restarted");
        }
        JsonNode run = awaitFinished(trainer, runId);
        assertEquals("COMPLETED", run.path("status").asText(), run.toString());
        everyStepOnceWithAllItsCandidates(trainer, runId);
        promptsWentOutOnce(runId);
        noRewardDeadLettered(runId);
        assertTrue(said.stream().anyMatch(l -> l.startsWith("trainer exited") && l.contains("restarting (1 of 3)")),
                "the launcher said it restarted the trainer: " + said);
    }

    @Test
    void aDatabaseAwayForLongerThanTheGroupDeadlineDelaysTheRunAndDropsNoReward() throws Exception {
        TrainerClient trainer = trainer();
        String runId = create(trainer, 12, DEADLINE_S);
        try (RewardLog rewards = RewardLog.follow(stack.bootstrapServers(), runId)) {
            waitUntil(() -> rewards.count(1) >= 2, Duration.ofMinutes(5), "step 1 under way");
            database.cut();
            long cutAt = System.nanoTime();
            System.out.printf("database cut with %d of %d rewards of step 1 in%n", rewards.count(1),
                    GROUPS * GROUP_SIZE);
            Thread.sleep(TimeUnit.SECONDS.toMillis(DEADLINE_S + 10));
            database.restore();
            System.out.printf("database back after %.1f s (group deadline %d s)%n",
                    (System.nanoTime() - cutAt) / 1e9, DEADLINE_S);
        }
        JsonNode run = awaitFinished(trainer, runId);
        assertEquals("COMPLETED", run.path("status").asText(), run.toString());
        everyStepOnceWithAllItsCandidates(trainer, runId);
        noRewardDeadLettered(runId);
    }

    private static TrainerClient trainer() {
        return new TrainerClient(stack.service("trainer").url(), TrainerClient.Retry.within(Duration.ofMinutes(3)),
                System.out::println, supervisor::requireRunning);
    }

    private static String create(TrainerClient trainer, long seed, int deadlineSeconds) {
        RunRequest request = RunRequest.live(PROBLEM, STEPS, GROUPS, GROUP_SIZE, "cpu", seed, null)
                .with(Map.of("groupDeadlineSeconds", deadlineSeconds));
        return trainer.createRun(request).path("id").asText();
    }

    private static JsonNode awaitFinished(TrainerClient trainer, String runId) throws InterruptedException {
        Set<String> terminal = Set.of("COMPLETED", "FAILED", "STOPPED");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        JsonNode run = null;
        while (System.nanoTime() < deadline) {
            run = trainer.run(runId).orElse(null);
            if (run != null && terminal.contains(run.path("status").asText())) {
                return run;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("run " + runId + " did not finish within 10 min: " + run);
    }

    /** The step table has no gap and no repeat, and each step trained on every candidate, counted once. */
    private static void everyStepOnceWithAllItsCandidates(TrainerClient trainer, String runId) {
        List<StepMetrics> steps = trainer.steps(runId);
        assertEquals(List.of(0, 1, 2, 3), steps.stream().map(StepMetrics::step).toList(), "one row per step");
        List<RewardEvent> rewards = RewardLog.read(stack.bootstrapServers(), runId, TopicReader.Start.BEGINNING)
                .rewards();
        Map<Integer, Set<String>> distinct = rewards.stream().collect(Collectors.groupingBy(RewardEvent::step,
                Collectors.mapping(RewardEvent::candidateId, Collectors.toSet())));
        for (StepMetrics m : steps) {
            assertEquals(GROUPS * GROUP_SIZE, m.samples(), "step " + m.step() + " trained on all its candidates");
            assertEquals(GROUPS * GROUP_SIZE, distinct.get(m.step()).size(), "step " + m.step()
                    + ": one reward per candidate on the topic");
        }
    }

    /** A resumed step does not send its prompts again: each prompt id once on the prompts topic. */
    private static void promptsWentOutOnce(String runId) {
        List<String> ids = new ArrayList<>();
        for (ConsumerRecord<String, String> r : TopicReader.readToEnd(stack.bootstrapServers(), Topics.PROMPTS,
                TopicReader.Start.BEGINNING)) {
            PromptEvent p = EventCodec.prompt(r.value());
            if (p.runId().equals(runId)) {
                ids.add(p.promptId());
            }
        }
        assertEquals(STEPS * GROUPS, ids.size(), "prompts of the run: " + ids);
        assertEquals(STEPS * GROUPS, Set.copyOf(ids).size());
    }

    private static void noRewardDeadLettered(String runId) {
        long dead = TopicReader.readToEnd(stack.bootstrapServers(), Topics.deadLetter(Topics.REWARDS),
                TopicReader.Start.BEGINNING).stream().filter(r -> runId.equals(r.key())).count();
        assertEquals(0, dead, "rewards of run " + runId + " on " + Topics.deadLetter(Topics.REWARDS));
    }

    private static void waitUntil(BooleanSupplier condition, Duration timeout, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within " + timeout.toSeconds() + " s");
            }
            Thread.sleep(100);
        }
    }
}
