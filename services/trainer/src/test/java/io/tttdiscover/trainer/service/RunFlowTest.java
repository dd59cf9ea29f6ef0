package io.tttdiscover.trainer.service;

import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;
import io.smallrye.reactive.messaging.memory.InMemorySink;
import io.smallrye.reactive.messaging.memory.InMemorySource;
import io.tttdiscover.protocol.event.BenchmarkStat;
import io.tttdiscover.protocol.event.CheckpointEvent;
import io.tttdiscover.protocol.event.EventCodec;
import io.tttdiscover.protocol.event.MalformedEventException;
import io.tttdiscover.protocol.event.MaskSemantics;
import io.tttdiscover.protocol.event.PolicyParameters;
import io.tttdiscover.protocol.event.PromptEvent;
import io.tttdiscover.protocol.event.RewardEvent;
import io.tttdiscover.protocol.event.StepMetrics;
import io.tttdiscover.protocol.pack.ProblemPack;
import io.restassured.http.ContentType;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The step loop end to end over in-memory channels and the real PostgreSQL. */
@QuarkusTest
class RunFlowTest {
    private static final ProblemPack TOY = ToyRewards.TOY;

    @Inject
    @Any
    InMemoryConnector connector;

    @Inject
    RunService runs;

    @Inject
    RunStore store;

    private InMemorySink<String> prompts;
    private InMemorySink<String> checkpoints;
    private InMemorySource<Object> rewards;

    @BeforeEach
    void channels() {
        prompts = connector.sink("prompts");
        checkpoints = connector.sink("checkpoints");
        rewards = connector.source("rewards");
        prompts.clear();
        checkpoints.clear();
    }

    @Test
    void twoStepsFromRestToCompletion() {
        String runId = createRun("{\"problemId\":\"toy\",\"steps\":2,\"groupsPerBatch\":2,\"groupSize\":3,"
                + "\"target\":\"cpu\",\"klCoef\":0.1,\"groupDeadlineSeconds\":60}");

        await(() -> promptsOf(runId).size() == 2);
        List<CheckpointEvent> cps = checkpointsOf(runId);
        assertEquals(1, cps.size(), "version 0 goes out before the first prompts");
        assertEquals(0, cps.get(0).policyVersion());
        assertNull(cps.get(0).metrics());
        PolicyParameters v0 = cps.get(0).embeddedPolicy();
        assertNotNull(v0);

        List<PromptEvent> step0 = promptsOf(runId);
        for (PromptEvent p : step0) {
            assertEquals("initial", p.parent().stateId());
            assertEquals(TOY.programSpace().baseline(), p.parent().choices());
            assertNull(p.parent().runtimeUs());
            assertEquals(3, p.samplesWanted());
            assertEquals(0, p.policyVersion());
            assertEquals(runId + "-s0-g" + p.group(), p.promptId());
        }

        // group 0: runtimes 50, 80 and a failure; group 1: 40, 60, 70
        sendGroup(step0.get(0), v0, new Double[]{50.0, 80.0, null});
        RewardEvent duplicate = reward(step0.get(1), v0, 0, 40.0);
        rewards.send(EventCodec.encode(duplicate).getBytes(StandardCharsets.UTF_8));
        rewards.send(EventCodec.encode(duplicate).getBytes(StandardCharsets.UTF_8));
        rewards.send(EventCodec.encode(reward(step0.get(1), v0, 1, 60.0)).getBytes(StandardCharsets.UTF_8));
        rewards.send(EventCodec.encode(reward(step0.get(1), v0, 2, 70.0)).getBytes(StandardCharsets.UTF_8));

        await(() -> checkpointsOf(runId).size() == 2);
        CheckpointEvent v1 = checkpointsOf(runId).get(1);
        assertEquals(1, v1.policyVersion());
        StepMetrics m = v1.metrics();
        assertEquals(0, m.step());
        assertEquals(6, m.samples(), "the redelivered reward counts once");
        assertEquals(1, m.failures());
        assertEquals(40.0, m.bestRuntimeUs());
        assertEquals(2, m.groupsKept());
        assertEquals(1.0, m.fracMixed());
        assertEquals(100.0 / 40.0, m.rewardMax(), 1e-12);
        assertEquals(0.0, m.rewardMin());
        assertTrue(m.beta() > 0);
        assertEquals(0.0, m.klSampleTrain(), 1e-9, "the sampler used the very policy being trained");
        assertTrue(m.entropy() > 0);
        // 1 initial + 5 successful children, cut to the best 2 per parent (here: the initial state's children)
        assertEquals(3, m.archiveSize());

        await(() -> promptsOf(runId).size() == 4);
        List<PromptEvent> step1 = promptsOf(runId).subList(2, 4);
        for (PromptEvent p : step1) {
            assertEquals(1, p.step());
            assertEquals(1, p.policyVersion());
        }
        // the best state (40 us) is picked first
        assertEquals(40.0, step1.get(0).parent().runtimeUs());
        PolicyParameters v1Params = v1.embeddedPolicy();
        sendGroup(step1.get(0), v1Params, new Double[]{30.0, 45.0, 35.0});
        sendGroup(step1.get(1), v1Params, new Double[]{null, null, null});

        await(() -> "COMPLETED".equals(given().get("/runs/" + runId).then().extract().path("status")));
        given().get("/runs/" + runId).then()
                .body("stepsDone", equalTo(2))
                .body("bestRuntimeUs", equalTo(30.0f));
        given().get("/runs/" + runId + "/steps").then().body("$", hasSize(2))
                .body("[1].fracAllBad", equalTo(0.5f));
        given().get("/runs/" + runId + "/best").then()
                .body("runtimeUs", equalTo(30.0f))
                .body("choices", hasSize(2))
                .body("description", org.hamcrest.Matchers.startsWith("loop="));
        assertEquals(3, checkpointsOf(runId).size());
        given().get("/runs/" + runId + "/checkpoint").then().statusCode(200)
                .body("version", equalTo(2))
                .body("backend", equalTo("embedded"));
        given().get("/runs/none/checkpoint").then().statusCode(404);
        await(() -> finishedMarkersOf(runId).size() == 1);
        assertEquals("COMPLETED", finishedMarkersOf(runId).get(0).finished());
    }

    @Test
    void aRunKeepsAtMostItsQueueOfCandidatesOnTheirWay() throws InterruptedException {
        // %test.discover.trainer.queued-candidates-per-run=8: groups of 3 go out two at a time.
        String runId = createRun("{\"problemId\":\"toy\",\"steps\":1,\"groupsPerBatch\":4,\"groupSize\":3}");
        await(() -> promptsOf(runId).size() == 2);
        Thread.sleep(300);
        assertEquals(2, promptsOf(runId).size(), "6 candidates on their way; a third group would make 9 > 8");
        PolicyParameters v0 = checkpointsOf(runId).get(0).embeddedPolicy();
        sendGroup(promptsOf(runId).get(0), v0, new Double[]{10.0, 11.0, 12.0});
        await(() -> promptsOf(runId).size() == 3);
        Thread.sleep(300);
        assertEquals(3, promptsOf(runId).size());
        sendGroup(promptsOf(runId).get(1), v0, new Double[]{10.0, 13.0, 12.0});
        await(() -> promptsOf(runId).size() == 4);
        sendGroup(promptsOf(runId).get(2), v0, new Double[]{9.0, 11.0, 14.0});
        sendGroup(promptsOf(runId).get(3), v0, new Double[]{10.0, 11.0, 15.0});
        await(() -> checkpointsOf(runId).size() == 2);
        assertEquals(List.of(0, 1, 2, 3), promptsOf(runId).stream().map(PromptEvent::group).toList());
        StepMetrics m = checkpointsOf(runId).get(1).metrics();
        assertEquals(12, m.samples());
        assertEquals(0, m.failures());
        await(() -> "COMPLETED".equals(given().get("/runs/" + runId).then().extract().path("status")));
    }

    /**
     * The trainer dies in the middle of a step (its loop dropped without a database write, as SIGKILL would) and a new
     * one resumes the run: the step goes on from the rewards stored before, its prompts are not sent again, a reward
     * redelivered after the restart is not counted twice, and every step is trained and recorded once.
     */
    @Test
    void aRestartedTrainerResumesTheStepInFlightAndCountsNothingTwice() {
        String runId = createRun("{\"problemId\":\"toy\",\"steps\":2,\"groupsPerBatch\":2,\"groupSize\":3}");
        await(() -> promptsOf(runId).size() == 2);
        PolicyParameters v0 = checkpointsOf(runId).get(0).embeddedPolicy();
        PromptEvent g0 = promptsOf(runId).get(0);
        PromptEvent g1 = promptsOf(runId).get(1);
        sendGroup(g0, v0, new Double[]{10.0, 12.0, 11.0});
        rewards.send(EventCodec.encode(reward(g1, v0, 0, 9.0)).getBytes(StandardCharsets.UTF_8));
        await(() -> store.rollouts(runId, 0).size() == 4);

        runs.abandonLoops();
        runs.resumeUnfinished();

        // The resumed loop publishes its policy again (the newest version, which the sampler already has).
        await(() -> checkpointsOf(runId).size() == 2);
        assertEquals(0, checkpointsOf(runId).get(1).policyVersion());
        // Redelivered after the restart: stored before, so neither stored nor counted again.
        rewards.send(EventCodec.encode(reward(g1, v0, 0, 9.0)).getBytes(StandardCharsets.UTF_8));
        rewards.send(EventCodec.encode(reward(g1, v0, 1, 13.0)).getBytes(StandardCharsets.UTF_8));
        rewards.send(EventCodec.encode(reward(g1, v0, 2, 14.0)).getBytes(StandardCharsets.UTF_8));
        await(() -> checkpointsOf(runId).stream().anyMatch(c -> c.policyVersion() == 1));
        assertEquals(2, promptsOf(runId).stream().filter(p -> p.step() == 0).count(), "step 0's prompts went out once");
        StepMetrics step0 = checkpointsOf(runId).stream().filter(c -> c.policyVersion() == 1).findFirst()
                .orElseThrow().metrics();
        assertEquals(6, step0.samples(), "4 rewards stored before the restart + 2 after; the redelivery not counted");
        assertEquals(0, step0.failures());

        await(() -> promptsOf(runId).size() == 4);
        PolicyParameters v1 = checkpointsOf(runId).stream().filter(c -> c.policyVersion() == 1).findFirst()
                .orElseThrow().embeddedPolicy();
        List<PromptEvent> step1 = promptsOf(runId).subList(2, 4);
        assertTrue(step1.stream().allMatch(p -> p.step() == 1 && p.policyVersion() == 1));
        sendGroup(step1.get(0), v1, new Double[]{8.0, 12.0, 11.0});
        sendGroup(step1.get(1), v1, new Double[]{10.0, 7.0, 11.0});
        await(() -> "COMPLETED".equals(given().get("/runs/" + runId).then().extract().path("status")));
        assertEquals(List.of(0, 1), store.metrics(runId).stream().map(StepMetrics::step).toList(),
                "each step recorded once");
        assertEquals(7.0, (Float) given().get("/runs/" + runId).then().extract().path("bestRuntimeUs"), 1e-6);
        assertTrue(store.resumePoint(runId).isEmpty(), "a finished run has nothing to resume");
    }

    @Test
    void theDeadlineTrainsOnWhatArrived() {
        String runId = createRun("{\"problemId\":\"toy\",\"steps\":1,\"groupsPerBatch\":2,\"groupSize\":3,"
                + "\"groupDeadlineSeconds\":1}");
        await(() -> promptsOf(runId).size() == 2);
        PolicyParameters v0 = checkpointsOf(runId).get(0).embeddedPolicy();
        PromptEvent g0 = promptsOf(runId).get(0);
        rewards.send(EventCodec.encode(reward(g0, v0, 0, 20.0)).getBytes(StandardCharsets.UTF_8));
        rewards.send(EventCodec.encode(reward(g0, v0, 1, 25.0)).getBytes(StandardCharsets.UTF_8));

        await(() -> checkpointsOf(runId).size() == 2);
        StepMetrics m = checkpointsOf(runId).get(1).metrics();
        assertEquals(2, m.samples());
        assertEquals(4, m.failures(), "4 samples never arrived");
        assertEquals(1, m.groupsKept());
        await(() -> "COMPLETED".equals(given().get("/runs/" + runId).then().extract().path("status")));
    }

    @Test
    void aMalformedRewardIsNackedWithItsReasonAndConsumptionGoesOn() {
        AtomicReference<Throwable> reason = new AtomicReference<>();
        rewards.send(Message.of("{\"schemaVersion\":1,\"runId\":\"x\"}".getBytes(StandardCharsets.UTF_8)).withNack(t -> {
            reason.set(t);
            return CompletableFuture.completedFuture(null);
        }));
        await(() -> reason.get() != null);
        assertInstanceOf(MalformedEventException.class, reason.get());
        assertTrue(reason.get().getMessage().startsWith("not a valid RewardEvent"), reason.get().getMessage());

        String runId = createRun("{\"problemId\":\"toy\",\"steps\":1,\"groupsPerBatch\":1,\"groupSize\":2}");
        await(() -> promptsOf(runId).size() == 1);
        PolicyParameters v0 = checkpointsOf(runId).get(0).embeddedPolicy();
        sendGroup(promptsOf(runId).get(0), v0, new Double[]{10.0, 12.0});
        await(() -> checkpointsOf(runId).size() == 2);
    }

    @Test
    void badRequestsAreRejected() {
        given().contentType(ContentType.JSON).body("{\"problemId\":\"nope\"}").post("/runs").then().statusCode(400);
        given().contentType(ContentType.JSON).body("{\"problemId\":\"toy\",\"trainingBackend\":\"no-such-backend\"}")
                .post("/runs").then().statusCode(400);
        given().contentType(ContentType.JSON).body("{\"problemId\":\"toy\",\"advantage\":\"max\"}")
                .post("/runs").then().statusCode(400);
        given().get("/runs/none").then().statusCode(404);
    }

    @Test
    void maskSemanticsIsChosenPerRunAndDefaultsToThePacks() {
        String asked = createRun("{\"problemId\":\"toy\",\"steps\":1,\"groupsPerBatch\":1,\"groupSize\":1,"
                + "\"maskSemantics\":\"as-specified\"}");
        String packDefault = createRun("{\"problemId\":\"toy\",\"steps\":1,\"groupsPerBatch\":1,\"groupSize\":1}");
        assertEquals(MaskSemantics.OFFICIAL_ALL_ONES, TOY.maskSemantics(), "the toy pack's default");

        given().get("/runs/" + asked).then().statusCode(200).body("maskSemantics", equalTo("as-specified"));
        given().get("/runs/" + packDefault).then().statusCode(200).body("maskSemantics", equalTo("official-all-ones"));
        given().get("/runs").then().statusCode(200)
                .body("find { it.id == '" + asked + "' }.maskSemantics", equalTo("as-specified"));

        await(() -> promptsOf(asked).size() == 1 && promptsOf(packDefault).size() == 1);
        assertEquals(MaskSemantics.AS_SPECIFIED, promptsOf(asked).get(0).maskSemantics());
        assertEquals(MaskSemantics.OFFICIAL_ALL_ONES, promptsOf(packDefault).get(0).maskSemantics());
        given().post("/runs/" + asked + "/stop").then().statusCode(200);
        given().post("/runs/" + packDefault + "/stop").then().statusCode(200);
    }

    @Test
    void anUnknownMaskSemanticsIsABadRequestThatNamesTheKnownOnes() {
        given().contentType(ContentType.JSON).body("{\"problemId\":\"toy\",\"maskSemantics\":\"all-zeros\"}")
                .post("/runs").then().statusCode(400)
                .body("error", equalTo("maskSemantics must be one of as-specified, official-all-ones, "
                        + "was 'all-zeros'"));
    }

    @Test
    void aRunCanBeStopped() {
        String runId = createRun("{\"problemId\":\"toy\",\"steps\":3,\"groupsPerBatch\":1,\"groupSize\":2}");
        await(() -> promptsOf(runId).size() == 1);
        given().post("/runs/" + runId + "/stop").then().statusCode(200);
        await(() -> "STOPPED".equals(given().get("/runs/" + runId).then().extract().path("status")));
        given().get("/runs").then().statusCode(200);
    }

    /**
     * What the dashboard and the terminal read: the step in flight's progress, the archive as a tree, a program with
     * its parent's, the best program's per-benchmark figures, and the run's series on /q/metrics.
     */
    @Test
    void theDashboardsViewsFollowTheRun() {
        String runId = createRun("{\"problemId\":\"toy\",\"steps\":1,\"groupsPerBatch\":1,\"groupSize\":3,"
                + "\"target\":\"cpu\",\"groupDeadlineSeconds\":60}");
        await(() -> promptsOf(runId).size() == 1);
        PromptEvent prompt = promptsOf(runId).get(0);
        PolicyParameters v0 = checkpointsOf(runId).get(0).embeddedPolicy();
        given().get("/runs/" + runId + "/progress").then().statusCode(200)
                .body("step", equalTo(0)).body("steps", equalTo(1)).body("asked", equalTo(3))
                .body("evaluated", equalTo(0)).body("groupsOut", equalTo(1));

        RewardEvent fast = reward(prompt, v0, 0, 40.0);
        fast = new RewardEvent(fast.schemaVersion(), fast.runId(), fast.step(), fast.group(), fast.sample(),
                fast.problemId(), fast.status(), fast.message(), fast.reward(), fast.runtimeUs(),
                List.of(new BenchmarkStat("b0", 41.0, 2.0, 5, 39.5)), fast.tests(), fast.checksFired(), fast.evaluator(),
                fast.timings(), fast.candidate());
        rewards.send(EventCodec.encode(fast).getBytes(StandardCharsets.UTF_8));
        rewards.send(EventCodec.encode(reward(prompt, v0, 1, null)).getBytes(StandardCharsets.UTF_8));
        await(() -> Integer.valueOf(2).equals(given().get("/runs/" + runId + "/progress").then().extract()
                .path("evaluated")));
        given().get("/runs/" + runId + "/progress").then().body("failed", equalTo(1));
        rewards.send(EventCodec.encode(reward(prompt, v0, 2, 60.0)).getBytes(StandardCharsets.UTF_8));
        await(() -> "COMPLETED".equals(given().get("/runs/" + runId).then().extract().path("status")));

        given().get("/runs/" + runId + "/progress").then().statusCode(404);
        given().get("/runs/" + runId + "/archive").then().statusCode(200).body("$", hasSize(3))
                .body("id", org.hamcrest.Matchers.contains(runId + "-s0-g0-0", runId + "-s0-g0-1", runId + "-s0-g0-2"))
                .body("parentId", org.hamcrest.Matchers.everyItem(equalTo("initial")))
                .body("status", org.hamcrest.Matchers.contains("OK", "INCORRECT", "OK"))
                .body("runtimeUs[0]", equalTo(40.0f));
        given().get("/runs/" + runId + "/programs/" + fast.candidateId()).then().statusCode(200)
                .body("program", equalTo(fast.candidate().program()))
                .body("parentId", equalTo("initial"))
                .body("parentProgram", equalTo(TOY.initialProgram()));
        given().get("/runs/" + runId + "/programs/no-such-candidate").then().statusCode(404);
        given().get("/runs/" + runId + "/best").then().statusCode(200)
                .body("benchmarks", hasSize(1)).body("benchmarks[0].name", equalTo("b0"))
                .body("benchmarks[0].meanUs", equalTo(41.0f));

        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        for (String series : List.of("discover_rewards_received_total{problem=\"toy\",status=\"OK\"}",
                "discover_rewards_received_total{problem=\"toy\",status=\"INCORRECT\"}",
                "discover_run_reward_max{run=\"" + runId + "\"} " + (100.0 / 40.0),
                "discover_run_best_runtime_microseconds{run=\"" + runId + "\"} 40.0",
                "discover_step_duration_seconds_count", "discover_step_phase_seconds_count{phase=\"train\"}")) {
            assertTrue(metrics.contains(series), "/q/metrics lists " + series);
        }
    }

    private String createRun(String body) {
        return given().contentType(ContentType.JSON).body(body).post("/runs")
                .then().statusCode(201).body("status", equalTo("CREATED")).extract().path("id");
    }

    private void sendGroup(PromptEvent prompt, PolicyParameters policy, Double[] runtimes) {
        for (int s = 0; s < runtimes.length; s++) {
            rewards.send(EventCodec.encode(reward(prompt, policy, s, runtimes[s])).getBytes(StandardCharsets.UTF_8));
        }
    }

    private static RewardEvent reward(PromptEvent prompt, PolicyParameters policy, int sample, Double runtimeUs) {
        return ToyRewards.reward(prompt, policy, sample, runtimeUs);
    }

    private List<PromptEvent> promptsOf(String runId) {
        return prompts.received().stream().map(m -> EventCodec.prompt(m.getPayload()))
                .filter(p -> p.runId().equals(runId)).toList();
    }

    /** The run's policy versions, without its run-finished marker. */
    private List<CheckpointEvent> checkpointsOf(String runId) {
        return checkpoints.received().stream().map(m -> EventCodec.checkpoint(m.getPayload()))
                .filter(c -> c.runId().equals(runId) && !c.marksRunFinished()).toList();
    }

    private List<CheckpointEvent> finishedMarkersOf(String runId) {
        return checkpoints.received().stream().map(m -> EventCodec.checkpoint(m.getPayload()))
                .filter(c -> c.runId().equals(runId) && c.marksRunFinished()).toList();
    }

    private static void await(BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 20 s");
            }
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
