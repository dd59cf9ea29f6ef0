package io.tttdiscover.evaluator.messaging;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.tttdiscover.protocol.Topics;
import io.tttdiscover.evaluator.service.FinishedRuns;
import io.tttdiscover.protocol.event.CandidateEvent;
import io.tttdiscover.protocol.event.CheckpointEvent;
import io.tttdiscover.protocol.event.Event;
import io.tttdiscover.protocol.event.EventCodec;
import io.tttdiscover.protocol.event.RewardEvent;
import io.tttdiscover.protocol.event.RewardStatus;
import io.tttdiscover.evaluator.PythonTorch;
import io.tttdiscover.protocol.pack.ProblemPack;
import io.tttdiscover.protocol.pack.ProgramSpace;
import io.tttdiscover.testkit.InJvmKafka;
import io.tttdiscover.testkit.OverInJvmKafka;
import io.tttdiscover.testkit.TopicProbe;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The evaluator's channels against a real (in-JVM, KRaft) broker: hostile records never stop the consumer, dead
 * letters are the consumed bytes, no hop carries an over-limit program, and a finished run's queued candidates are
 * cancelled, not evaluated.
 */
@QuarkusTest
@TestProfile(OverInJvmKafka.class)
class RealBrokerTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    FinishedRuns finishedRuns;

    @Test
    void aTwoMegabyteCandidateIsRejectedWithoutItsTextAndTheNextOneIsEvaluated() {
        String run = "run-" + UUID.randomUUID();
        String program = "# " + "x".repeat(2 * 1024 * 1024) + "\n";
        CandidateEvent huge = candidate(run, "huge", program);
        send(huge, huge.candidateId());
        // The same key: the same partition, behind the big one.
        send(candidate(run, "after-huge", ""), huge.candidateId());

        ConsumerRecord<byte[], byte[]> record = awaitReward(run, "huge");
        assertTrue(record.value().length < 64 * 1024, "the reward carries no copy: " + record.value().length + " B");
        RewardEvent reward = EventCodec.reward(new String(record.value(), StandardCharsets.UTF_8));
        assertEquals(RewardStatus.REJECTED, reward.status(), reward.message());
        assertEquals(List.of(RewardEvent.CHECK_PROGRAM_TOO_LARGE), reward.checksFired());
        assertEquals(0.0, reward.reward());
        assertEquals("", reward.candidate().program());
        byte[] bytes = program.getBytes(StandardCharsets.UTF_8);
        assertEquals(bytes.length, reward.candidate().programBytes());
        assertEquals(CandidateEvent.sha256(bytes), reward.candidate().programSha256());
        assertTrue(reward.message().contains("over the limit of 262144"), reward.message());

        RewardEvent next = EventCodec.reward(new String(awaitReward(run, "after-huge").value(),
                StandardCharsets.UTF_8));
        assertEquals(RewardStatus.SYNTAX_ERROR, next.status(), "the consumer went on: " + next.message());
    }

    @Test
    void binaryGarbageIsDeadLetteredByteForByteAndTheNextCandidateIsEvaluated() {
        byte[] garbage = TopicProbe.garbage(7, 700);
        String key = "garbage-" + UUID.randomUUID();
        TopicProbe.send(Topics.CANDIDATES, key, garbage);
        String run = "run-" + UUID.randomUUID();
        send(candidate(run, "after-garbage", ""), key);

        ConsumerRecord<byte[], byte[]> dead = TopicProbe.awaitDeadLetter(Topics.CANDIDATES, key, WAIT);
        assertArrayEquals(garbage, dead.value(), "byte for byte");
        String reason = TopicProbe.header(dead, Topics.DEAD_LETTER_REASON_HEADER);
        assertTrue(reason.contains("not a valid CandidateEvent"), reason);
        assertEquals(Topics.CANDIDATES, TopicProbe.header(dead, "dead-letter-topic"));

        RewardEvent next = EventCodec.reward(new String(awaitReward(run, "after-garbage").value(),
                StandardCharsets.UTF_8));
        assertEquals(RewardStatus.SYNTAX_ERROR, next.status());
    }

    @Test
    void aRecordAsLargeAsTheTopicTakesStillFitsItsDeadLetterTopic() {
        byte[] garbage = new byte[Topics.MAX_RECORD_BYTES - 4096];
        Arrays.fill(garbage, (byte) 0xFF);
        String key = "big-garbage-" + UUID.randomUUID();
        TopicProbe.send(Topics.CANDIDATES, key, garbage);
        ConsumerRecord<byte[], byte[]> dead = TopicProbe.awaitDeadLetter(Topics.CANDIDATES, key, WAIT);
        assertArrayEquals(garbage, dead.value());
    }

    @Test
    void aRecordThatCannotBeDeadLetteredIsSkippedAndCommitted() throws Exception {
        // A dead-letter topic that takes nothing of size, for the time of this test.
        TopicProbe.setTopicConfig(Topics.deadLetter(Topics.CANDIDATES), "max.message.bytes", "2048");
        try {
            undeliverableDeadLetterIsSkipped();
        } finally {
            TopicProbe.setTopicConfig(Topics.deadLetter(Topics.CANDIDATES), "max.message.bytes",
                    Integer.toString(Topics.MAX_DEAD_LETTER_BYTES));
        }
    }

    private static void undeliverableDeadLetterIsSkipped() throws Exception {
        byte[] garbage = "not json ".repeat(400).getBytes(StandardCharsets.UTF_8);
        String key = "undeliverable-" + UUID.randomUUID();
        TopicProbe.send(Topics.CANDIDATES, key, garbage);
        String run = "run-" + UUID.randomUUID();
        send(candidate(run, "after-undeliverable", ""), key);
        // A dead letter small enough still goes through after the failed one.
        byte[] small = {(byte) 0xFF, '{'};
        TopicProbe.send(Topics.CANDIDATES, key, small);

        RewardEvent next = EventCodec.reward(new String(awaitReward(run, "after-undeliverable")
                .value(), StandardCharsets.UTF_8));
        assertEquals(RewardStatus.SYNTAX_ERROR, next.status(), "the consumer went on");
        assertNull(TopicProbe.await(Topics.deadLetter(Topics.CANDIDATES), r -> key.equals(TopicProbe.key(r))
                && r.value().length > small.length, Duration.ofSeconds(1)), "the dead-letter write did fail");
        ConsumerRecord<byte[], byte[]> later = TopicProbe.await(Topics.deadLetter(Topics.CANDIDATES),
                r -> key.equals(TopicProbe.key(r)), Duration.ofSeconds(30));
        assertArrayEquals(small, later == null ? null : later.value(), "the dead-letter producer still works");

        ConsumerRecord<byte[], byte[]> sent = TopicProbe.await(Topics.CANDIDATES, r -> key.equals(TopicProbe.key(r)),
                Duration.ofSeconds(10));
        TopicPartition partition = new TopicPartition(sent.topic(), sent.partition());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        long committed = -1;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                InJvmKafka.bootstrapServers()))) {
            while (committed <= sent.offset() && System.nanoTime() < deadline) {
                OffsetAndMetadata offset = admin.listConsumerGroupOffsets("evaluator")
                        .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS).get(partition);
                committed = offset == null ? -1 : offset.offset();
                Thread.sleep(200);
            }
        }
        assertTrue(committed > sent.offset(), "committed past the skipped record: " + committed + " vs "
                + sent.offset());
        given().get("/q/health/live").then().statusCode(200);
    }

    @Test
    void candidatesOfAFinishedRunAreCancelledQuicklyAndAnotherRunsAreEvaluated() {
        String stopped = "run-" + UUID.randomUUID();
        String live = "run-" + UUID.randomUUID();
        CheckpointEvent marker = CheckpointEvent.runFinished(stopped, 3, "STOPPED", "trimul");
        TopicProbe.send(Topics.CHECKPOINTS, marker.key(), EventCodec.encode(marker).getBytes(StandardCharsets.UTF_8));
        long heardBy = System.nanoTime() + WAIT.toNanos();
        while (!finishedRuns.contains(stopped) && System.nanoTime() < heardBy) {
            Thread.onSpinWait();
        }
        assertTrue(finishedRuns.contains(stopped), "the evaluator heard of the finished run");

        int queued = 1000;
        List<Map.Entry<String, byte[]>> records = new ArrayList<>();
        for (int i = 0; i < queued; i++) {
            CandidateEvent c = candidate(stopped, "queued-" + i, "");
            records.add(Map.entry(c.candidateId(), EventCodec.encode(c).getBytes(StandardCharsets.UTF_8)));
        }
        for (int i = 0; i < 2; i++) {
            CandidateEvent c = candidate(live, "live-" + i, "");
            records.add(Map.entry(c.candidateId(), EventCodec.encode(c).getBytes(StandardCharsets.UTF_8)));
        }
        long sentAt = System.nanoTime();
        TopicProbe.sendAll(Topics.CANDIDATES, records);

        byte[] stoppedKey = stopped.getBytes(StandardCharsets.UTF_8);
        Set<String> cancelled = new HashSet<>();
        TopicProbe.await(Topics.REWARDS, r -> {
            if (Arrays.equals(stoppedKey, r.key())) {
                RewardEvent reward = EventCodec.reward(new String(r.value(), StandardCharsets.UTF_8));
                assertEquals(RewardStatus.CANCELLED, reward.status(), reward.candidateId() + ": " + reward.message());
                assertEquals(0.0, reward.reward());
                cancelled.add(reward.candidateId());
            }
            return cancelled.size() == queued;
        }, WAIT);
        long handledMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sentAt);
        System.out.printf("%d candidates of a finished run cancelled in %d ms%n", cancelled.size(), handledMs);
        assertEquals(queued, cancelled.size(), "every queued candidate of the finished run has a CANCELLED reward");
        assertTrue(handledMs < 20_000, "cancelled quickly: " + handledMs + " ms");

        for (int i = 0; i < 2; i++) {
            RewardEvent next = EventCodec.reward(new String(awaitReward(live, "live-" + i).value(),
                    StandardCharsets.UTF_8));
            assertEquals(RewardStatus.SYNTAX_ERROR, next.status(), "the live run's candidate was evaluated");
        }
    }

    @Test
    void aRunWithAQueueOfCandidatesDoesNotHoldBackAnotherRunsStep() {
        PythonTorch.assumeAvailable();
        ProgramSpace space = ProblemPack.load(Path.of("../../problems"), "trimul").programSpace();
        String program = space.render(space.baseline());
        String busy = "run-" + UUID.randomUUID();
        String small = "run-" + UUID.randomUUID();
        // One key, so one partition: the small run's candidates are read strictly after the busy run's eight.
        String key = "fair-" + UUID.randomUUID();
        List<Map.Entry<String, byte[]>> records = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            records.add(Map.entry(key, EventCodec.encode(candidate(busy, "q" + i, program))
                    .getBytes(StandardCharsets.UTF_8)));
        }
        for (int i = 0; i < 2; i++) {
            records.add(Map.entry(key, EventCodec.encode(candidate(small, "q" + i, program))
                    .getBytes(StandardCharsets.UTF_8)));
        }
        TopicProbe.sendAll(Topics.CANDIDATES, records);

        List<RewardEvent> rewards = new ArrayList<>();
        Set<String> runs = Set.of(busy, small);
        TopicProbe.await(Topics.REWARDS, r -> {
            RewardEvent reward = EventCodec.reward(new String(r.value(), StandardCharsets.UTF_8));
            if (runs.contains(reward.runId())) {
                rewards.add(reward);
            }
            return rewards.size() == records.size();
        }, Duration.ofSeconds(240));
        assertEquals(records.size(), rewards.size(), "every candidate got its reward");
        rewards.sort(java.util.Comparator.comparingLong(r -> r.timings().evalStartedAtMs()));
        List<String> order = rewards.stream().map(r -> r.runId().equals(small) ? "small" : "busy").toList();
        System.out.println("evaluation order with one worker: " + order);
        rewards.forEach(r -> assertEquals(RewardStatus.OK, r.status(), r.message()));
        // In arrival order the small run would be evaluated 9th and 10th; in turns it is among the first five.
        assertTrue(order.subList(0, 5).stream().filter("small"::equals).count() == 2, "fair turns: " + order);
    }

    private static ConsumerRecord<byte[], byte[]> awaitReward(String run, String candidateId) {
        byte[] runKey = run.getBytes(StandardCharsets.UTF_8);
        ConsumerRecord<byte[], byte[]> r = TopicProbe.await(Topics.REWARDS, record -> Arrays.equals(runKey,
                record.key()) && EventCodec.reward(new String(record.value(), StandardCharsets.UTF_8)).candidateId()
                .equals(run + "-" + candidateId), WAIT);
        assertNotNull(r, "a reward for " + candidateId);
        return r;
    }

    private static void send(CandidateEvent c, String key) {
        TopicProbe.send(Topics.CANDIDATES, key, EventCodec.encode(c).getBytes(StandardCharsets.UTF_8));
    }

    private static CandidateEvent candidate(String run, String id, String program) {
        return new CandidateEvent(Event.CURRENT_SCHEMA, run + "-" + id, "p-" + id, run, 1, 0, 0, "trimul", null, 0,
                "embedded", program, null, "cpu", null, System.currentTimeMillis());
    }
}
