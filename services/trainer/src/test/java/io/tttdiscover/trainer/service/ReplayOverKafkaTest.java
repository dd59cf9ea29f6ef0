package io.tttdiscover.trainer.service;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.tttdiscover.protocol.Topics;
import io.tttdiscover.protocol.event.CandidateEvent;
import io.tttdiscover.protocol.event.CheckpointEvent;
import io.tttdiscover.protocol.event.Event;
import io.tttdiscover.protocol.event.EventCodec;
import io.tttdiscover.protocol.event.MaskSemantics;
import io.tttdiscover.protocol.event.PolicyParameters;
import io.tttdiscover.protocol.event.PromptEvent;
import io.tttdiscover.protocol.event.RewardEvent;
import io.tttdiscover.protocol.event.RewardStatus;
import io.tttdiscover.protocol.event.StepMetrics;
import io.tttdiscover.protocol.event.TokenTrace;
import io.tttdiscover.protocol.policy.PolicyComparison;
import io.tttdiscover.testkit.TopicProbe;
import io.tttdiscover.trainer.messaging.RealBrokerTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Replay from the topics of a real (in-JVM, KRaft) broker: a re-train reproduces a recorded run's policy exactly and
 * diverges, measurably, under another learning rate; a re-score sends each recorded candidate to the evaluators once
 * and reports what their new rewards change.
 */
@QuarkusTest
@TestProfile(RealBrokerTest.OverKafka.class)
class ReplayOverKafkaTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    RunStore store;

    @Test
    void aReTrainReproducesTheRecordedPolicyAndAnotherLearningRateDivergesFromIt() {
        String recorded = recordTwoSteps();
        List<CheckpointEvent> original = checkpointsOf(recorded, 3);

        String same = replay("{\"replayOf\":\"" + recorded + "\"}");
        List<CheckpointEvent> replayed = checkpointsOf(same, 3);
        for (int v = 0; v <= 2; v++) {
            assertEquals(original.get(v).embeddedPolicy(), replayed.get(v).embeddedPolicy(),
                    "policy v" + v + " is the recorded one, to the last bit");
        }
        List<StepMetrics> recordedSteps = store.metrics(recorded);
        List<StepMetrics> replayedSteps = store.metrics(same);
        assertEquals(2, replayedSteps.size());
        for (int s = 0; s < 2; s++) {
            StepMetrics a = recordedSteps.get(s);
            StepMetrics b = replayedSteps.get(s);
            assertEquals(a.samples(), b.samples());
            assertEquals(a.failures(), b.failures());
            assertEquals(a.rewardMean(), b.rewardMean());
            assertEquals(a.beta(), b.beta());
            assertEquals(a.loss(), b.loss());
            assertEquals(a.klSampleTrain(), b.klSampleTrain(), 1e-12, "the re-trained policy sampled nothing, yet "
                    + "scores the recorded samples as the recorded policy did");
            assertEquals(a.archiveSize(), b.archiveSize());
        }
        given().get("/runs/" + same).then().body("replay.kind", equalTo("RETRAIN"))
                .body("replay.of", equalTo(recorded)).body("config.groupsPerBatch", equalTo(2))
                .body("config.groupSize", equalTo(3)).body("stepsDone", equalTo(2))
                .body("bestRuntimeUs", equalTo(30.0f));

        String faster = replay("{\"replayOf\":\"" + recorded + "\",\"learningRate\":0.5}");
        List<CheckpointEvent> diverged = checkpointsOf(faster, 3);
        assertEquals(original.get(0).embeddedPolicy(), diverged.get(0).embeddedPolicy(), "the same start");
        assertNotEquals(original.get(2).embeddedPolicy(), diverged.get(2).embeddedPolicy());
        List<StepMetrics> fasterSteps = store.metrics(faster);
        assertEquals(recordedSteps.get(0).klSampleTrain(), fasterSteps.get(0).klSampleTrain(), 1e-12,
                "step 0's samples came from v0, which both share");
        // a sampled estimate of the mismatch (mean of logp_sampler - logp_learner over the drawn tokens): either sign
        assertTrue(Math.abs(fasterSteps.get(1).klSampleTrain()) > 1e-3, "step 1's samples came from the recorded "
                + "v1, which the faster learner left behind: " + fasterSteps.get(1).klSampleTrain());

        List<PolicyComparison.Sample> measured = recordedRewards(recorded).stream()
                .map(r -> new PolicyComparison.Sample(r.candidate().trace().promptTokens(),
                        r.candidate().trace().completionTokens(), r.candidate().trace().completionLogprobs(),
                        r.reward())).toList();
        List<boolean[]> available = ToyRewards.TOY.programSpace().available("cpu");
        PolicyComparison.Result identical = PolicyComparison.compare(original.get(2).embeddedPolicy(),
                replayed.get(2).embeddedPolicy(), measured, available);
        assertEquals(0.0, identical.l2Distance());
        assertEquals(identical.expectedRewardA(), identical.expectedRewardB());
        PolicyComparison.Result apart = PolicyComparison.compare(original.get(2).embeddedPolicy(),
                diverged.get(2).embeddedPolicy(), measured, available);
        assertTrue(apart.l2Distance() > 0.1, "lr 0.5 instead of 0.1 moves the parameters further: " + apart);
        assertTrue(apart.meanKl() > 0, apart.toString());
        assertNotEquals(apart.expectedRewardA(), apart.expectedRewardB());
    }

    @Test
    void aReScoreSendsEachRecordedCandidateOnceAndReportsWhatChanged() {
        // A recorded run the trainer's database never knew (its rewards are refused live): the topic alone is enough.
        String recorded = "run-rec" + UUID.randomUUID().toString().substring(0, 6);
        RewardEvent a = recordedReward(recorded, 0, 0, RewardStatus.OK, 50.0);
        RewardEvent b = recordedReward(recorded, 0, 1, RewardStatus.OK, 40.0);
        RewardEvent c = recordedReward(recorded, 1, 0, RewardStatus.INCORRECT, null);
        RewardEvent d = recordedReward(recorded, 1, 1, RewardStatus.OK, 80.0);
        RewardEvent cancelled = recordedReward(recorded, 1, 2, RewardStatus.CANCELLED, null);
        sendRewards(recorded, List.of(a, b, c, b, d, cancelled));

        String rescore = create("{\"rescoreOf\":\"" + recorded + "\"}");
        List<CandidateEvent> sent = TopicProbe.awaitAll(Topics.CANDIDATES,
                r -> EventCodec.candidate(r.value()).runId().equals(rescore), 4, WAIT).stream()
                .map(r -> EventCodec.candidate(r.value())).toList();
        assertEquals(4, sent.size(), "each evaluated candidate once; not the redelivered one, not the cancelled one");
        for (CandidateEvent candidate : sent) {
            String prompt = PromptIds.of(rescore, 0, candidate.group());
            assertEquals(CandidateEvent.idOf(prompt, candidate.sample()), candidate.candidateId());
            assertEquals(prompt, candidate.promptId());
            assertEquals(program(candidate.group(), candidate.sample()), candidate.program());
        }

        // The evaluator deployed now: a is twice as fast, b now fails, c now passes (fastest), d is unchanged.
        Map<String, Double> runtimes = new java.util.HashMap<>();
        runtimes.put("0-0", 25.0);
        runtimes.put("0-1", null);
        runtimes.put("1-0", 20.0);
        runtimes.put("1-1", 80.0);
        sendRewards(rescore, sent.stream().map(cand -> ToyRewards.evaluated(cand,
                runtimes.get(cand.group() + "-" + cand.sample()))).toList());

        awaitStatus(rescore, "COMPLETED");
        JsonPath report = given().get("/runs/" + rescore + "/rescore").then().statusCode(200).extract().jsonPath();
        assertEquals(recorded, report.getString("of"));
        assertEquals(4, report.getInt("candidates"));
        assertEquals(4, report.getInt("rescored"));
        assertEquals(2, report.getInt("statusChanged"));
        assertEquals(Map.of("OK->INCORRECT", 1, "INCORRECT->OK", 1), report.getMap("transitions"));
        assertEquals(1.5, report.getDouble("rewardRatioMedian"), 1e-12, "ratios 2.0 (a) and 1.0 (d)");
        assertEquals(b.candidateId(), report.getString("recordedBest.candidateId"));
        assertEquals("INCORRECT", report.getString("recordedBest.newStatus"));
        assertEquals(c.candidateId(), report.getString("newBest.candidateId"));
        assertEquals(20.0, report.getDouble("newBest.newRuntimeUs"), 1e-12);
        assertTrue(report.getBoolean("bestChanged"));
        given().get("/runs/" + rescore + "/best").then().statusCode(200).body("runtimeUs", equalTo(20.0f))
                .body("program", equalTo(c.candidate().program()));
        assertEquals(List.of(), store.metrics(rescore), "a re-score trains nothing");
        assertTrue(TopicProbe.awaitAll(Topics.CHECKPOINTS, r -> rescore.equals(TopicProbe.key(r)), 1,
                Duration.ofSeconds(1)).isEmpty(), "and publishes no policy");
    }

    @Test
    void aReplayOfARunTheTopicDoesNotHoldIsABadRequest() {
        given().contentType(ContentType.JSON).body("{\"replayOf\":\"run-never\"}").post("/runs").then()
                .statusCode(400).body("error", equalTo("no evaluated reward of run 'run-never' on the rewards topic"));
        given().contentType(ContentType.JSON).body("{\"replayOf\":\"run-x\",\"groupSize\":4}").post("/runs").then()
                .statusCode(400);
    }

    /** A live two-step toy run whose rewards this test sends as the evaluator would, through the broker. */
    private String recordTwoSteps() {
        String runId = given().contentType(ContentType.JSON)
                .body("{\"problemId\":\"toy\",\"steps\":2,\"groupsPerBatch\":2,\"groupSize\":3}")
                .post("/runs").then().statusCode(201).extract().path("id");
        Double[][][] runtimes = {
                {{50.0, 80.0, null}, {40.0, 60.0, 70.0}},
                {{30.0, 45.0, 35.0}, {null, null, null}}};
        for (int step = 0; step < 2; step++) {
            PolicyParameters policy = checkpointsOf(runId, step + 1).get(step).embeddedPolicy();
            int s = step;
            List<PromptEvent> prompts = TopicProbe.awaitAll(Topics.PROMPTS,
                    r -> EventCodec.prompt(r.value()).runId().equals(runId) && EventCodec.prompt(r.value()).step() == s,
                    2, WAIT).stream().map(r -> EventCodec.prompt(r.value()))
                    .sorted(Comparator.comparingInt(PromptEvent::group)).toList();
            assertEquals(2, prompts.size());
            List<RewardEvent> rewards = new ArrayList<>();
            for (PromptEvent p : prompts) {
                for (int i = 0; i < 3; i++) {
                    rewards.add(ToyRewards.reward(p, policy, i, runtimes[step][p.group()][i]));
                }
            }
            rewards.add(1, rewards.get(0));
            sendRewards(runId, rewards);
        }
        awaitStatus(runId, "COMPLETED");
        return runId;
    }

    /** Creates a replay run and waits for it to complete. */
    private static String replay(String body) {
        String id = create(body);
        awaitStatus(id, "COMPLETED");
        return id;
    }

    private static String create(String body) {
        return given().contentType(ContentType.JSON).body(body).post("/runs").then().statusCode(201)
                .extract().path("id");
    }

    private static RewardEvent recordedReward(String runId, int group, int sample, RewardStatus status,
                                              Double runtimeUs) {
        String prompt = PromptIds.of(runId, 0, group);
        String id = CandidateEvent.idOf(prompt, sample);
        CandidateEvent candidate = new CandidateEvent(Event.CURRENT_SCHEMA, id, prompt, runId, 0, group, sample, "toy",
                "initial", 0, "embedded", program(group, sample),
                new TokenTrace(List.of(0, 0), List.of(group, sample % 2), List.of(-0.5, -0.5), null), "cpu",
                MaskSemantics.OFFICIAL_ALL_ONES, 0);
        boolean ok = status == RewardStatus.OK;
        return new RewardEvent(Event.CURRENT_SCHEMA, runId, 0, group, sample, "toy", status, ok ? null : "recorded",
                ok ? 100.0 / runtimeUs : 0.0, runtimeUs, List.of(), null, List.of(), null, null, candidate);
    }

    private static String program(int group, int sample) {
        return "# recorded program " + group + "-" + sample;
    }

    private static void sendRewards(String key, List<RewardEvent> rewards) {
        TopicProbe.sendAll(Topics.REWARDS, rewards.stream().map(r -> Map.entry(key,
                EventCodec.encode(r).getBytes(StandardCharsets.UTF_8))).toList());
    }

    private static List<RewardEvent> recordedRewards(String runId) {
        return TopicProbe.awaitAll(Topics.REWARDS, r -> runId.equals(TopicProbe.key(r)), 13, WAIT).stream()
                .map(r -> EventCodec.reward(r.value())).filter(r -> r.runId().equals(runId)).distinct().toList();
    }

    /** The run's first {@code count} policy versions on the checkpoints topic, by version. */
    private static List<CheckpointEvent> checkpointsOf(String runId, int count) {
        return TopicProbe.awaitAll(Topics.CHECKPOINTS, r -> runId.equals(TopicProbe.key(r)), count, WAIT).stream()
                .map((ConsumerRecord<byte[], byte[]> r) -> EventCodec.checkpoint(r.value()))
                .sorted(Comparator.comparingLong(CheckpointEvent::policyVersion)).toList();
    }

    private static void awaitStatus(String runId, String status) {
        await(() -> status.equals(given().get("/runs/" + runId).then().extract().path("status")));
    }

    private static void await(BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + WAIT);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
