package io.tttdiscover.sampler.messaging;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.tttdiscover.protocol.Topics;
import io.tttdiscover.protocol.event.CandidateEvent;
import io.tttdiscover.protocol.event.CheckpointEvent;
import io.tttdiscover.protocol.event.Event;
import io.tttdiscover.protocol.event.EventCodec;
import io.tttdiscover.protocol.event.PolicyParameters;
import io.tttdiscover.protocol.event.PromptEvent;
import io.tttdiscover.protocol.policy.ProgramSpacePolicy;
import io.tttdiscover.messaging.CandidatePartitioner;
import io.tttdiscover.sampler.backend.EmbeddedPolicyBackend;
import io.tttdiscover.sampler.service.SamplingService;
import io.tttdiscover.testkit.OverInJvmKafka;
import io.tttdiscover.testkit.TopicProbe;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sampler's channels against a real (in-JVM, KRaft) broker: hostile prompts and checkpoints are dead letters,
 * byte for byte and with their reason, and the consumers go on; a finished run's prompts are dropped.
 */
@QuarkusTest
@TestProfile(OverInJvmKafka.class)
class RealBrokerTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    SamplingService sampling;

    @Inject
    EmbeddedPolicyBackend backend;

    @Test
    void binaryGarbageOnPromptsIsDeadLetteredByteForByteAndTheNextPromptIsSampled() {
        String run = "run-" + UUID.randomUUID();
        sendCheckpoint(checkpoint(run, 0, ProgramSpacePolicy.initial(List.of(3, 2), 1.0)));
        byte[] garbage = TopicProbe.garbage(11, 700);
        String key = "garbage-" + UUID.randomUUID();
        TopicProbe.send(Topics.PROMPTS, key, garbage);
        // The same key: the same partition, behind the garbage.
        sendPrompt(prompt(run, "after-garbage", 0), key);

        ConsumerRecord<byte[], byte[]> dead = TopicProbe.awaitDeadLetter(Topics.PROMPTS, key, WAIT);
        assertArrayEquals(garbage, dead.value(), "byte for byte");
        String reason = TopicProbe.header(dead, Topics.DEAD_LETTER_REASON_HEADER);
        assertTrue(reason.contains("not a valid PromptEvent"), reason);
        assertEquals(Topics.PROMPTS, TopicProbe.header(dead, "dead-letter-topic"));

        assertEquals(0, awaitCandidate(run, "after-garbage").policyVersion());
    }

    @Test
    void aWrongShapedCheckpointIsDeadLetteredAndTheRunKeepsItsPolicy() {
        String run = "run-" + UUID.randomUUID();
        sendCheckpoint(checkpoint(run, 0, ProgramSpacePolicy.initial(List.of(3, 2), 1.0)));
        // The toy program space has 3 and 2 alternatives; this policy has 2 and 2.
        byte[] wrong = EventCodec.encode(checkpoint(run, 1, ProgramSpacePolicy.initial(List.of(2, 2), 1.0)))
                .getBytes(StandardCharsets.UTF_8);
        TopicProbe.send(Topics.CHECKPOINTS, run, wrong);

        ConsumerRecord<byte[], byte[]> dead = TopicProbe.awaitDeadLetter(Topics.CHECKPOINTS, run, WAIT);
        assertArrayEquals(wrong, dead.value());
        String reason = TopicProbe.header(dead, Topics.DEAD_LETTER_REASON_HEADER);
        assertTrue(reason.contains("checkpoint " + run + "@1 not used")
                && reason.contains("decision 0 has 2 logits, expected 3"), reason);

        sendPrompt(prompt(run, "after-wrong-shape", 0), "p-after-wrong-shape");
        assertEquals(0, awaitCandidate(run, "after-wrong-shape").policyVersion(), "still version 0");
    }

    @Test
    void aPromptOfAnUnknownRunIsDeadLetteredWithTheReason() {
        String run = "never-checkpointed-" + UUID.randomUUID();
        byte[] value = EventCodec.encode(prompt(run, "orphan", 0)).getBytes(StandardCharsets.UTF_8);
        String key = run + "-orphan";
        TopicProbe.send(Topics.PROMPTS, key, value);

        ConsumerRecord<byte[], byte[]> dead = TopicProbe.awaitDeadLetter(Topics.PROMPTS, key, WAIT);
        assertArrayEquals(value, dead.value());
        String reason = TopicProbe.header(dead, Topics.DEAD_LETTER_REASON_HEADER);
        assertTrue(reason.contains("unknown run " + run), reason);
        assertEquals(null, TopicProbe.await(Topics.CANDIDATES, r -> TopicProbe.key(r).startsWith(run),
                Duration.ofMillis(500)), "nothing sampled for it");
    }

    @Test
    void aPromptOfAFinishedRunIsNotSampledAndItsMarkerIsNoDeadLetter() {
        String stopped = "run-" + UUID.randomUUID();
        String live = "run-" + UUID.randomUUID();
        sendCheckpoint(checkpoint(stopped, 0, ProgramSpacePolicy.initial(List.of(3, 2), 1.0)));
        sendCheckpoint(checkpoint(live, 0, ProgramSpacePolicy.initial(List.of(3, 2), 1.0)));
        CheckpointEvent marker = CheckpointEvent.runFinished(stopped, 0, "STOPPED", "toy");
        sendCheckpoint(marker);
        long heardBy = System.nanoTime() + WAIT.toNanos();
        while (!sampling.runFinished(stopped) && System.nanoTime() < heardBy) {
            Thread.onSpinWait();
        }
        assertTrue(sampling.runFinished(stopped), "the sampler heard of the finished run");

        // The same key: the same partition, the live run's prompt behind the finished run's.
        sendPrompt(prompt(stopped, "after-stop", 0), "p-finished");
        sendPrompt(prompt(live, "still-running", 0), "p-finished");
        assertEquals(0, awaitCandidate(live, "still-running").policyVersion());
        assertNull(TopicProbe.await(Topics.CANDIDATES, r -> TopicProbe.key(r).startsWith(stopped),
                Duration.ofMillis(500)), "nothing sampled for the finished run");
        assertNull(TopicProbe.await(Topics.deadLetter(Topics.CHECKPOINTS), r -> marker.key().equals(TopicProbe.key(r)),
                Duration.ofMillis(500)), "the marker is not a malformed checkpoint");
        assertEquals(0, backend.loadedVersion(stopped), "nor a policy: the run keeps version 0");
    }

    @Test
    void aGroupsCandidatesLandOnDistinctConsecutivePartitions() {
        String run = "run-" + UUID.randomUUID();
        sendCheckpoint(checkpoint(run, 0, ProgramSpacePolicy.initial(List.of(3, 2), 1.0)));
        int partitions = Topics.LAYOUT.stream().filter(t -> t.name().equals(Topics.CANDIDATES))
                .findFirst().orElseThrow().partitions();
        PromptEvent p = new PromptEvent(Event.CURRENT_SCHEMA, run + "-s0-g0", run, 0, 0, "toy", null, "prompt",
                partitions, 0, "cpu", null, System.currentTimeMillis());
        sendPrompt(p, p.promptId());

        List<ConsumerRecord<byte[], byte[]>> got = TopicProbe.awaitAll(Topics.CANDIDATES,
                r -> TopicProbe.key(r).startsWith(p.promptId() + "-"), partitions, WAIT);
        assertEquals(partitions, got.size());
        Set<Integer> used = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> r : got) {
            assertEquals(CandidatePartitioner.partitionOf(TopicProbe.key(r), partitions), r.partition(),
                    "the sampler's producer uses the candidates' partitioner: " + TopicProbe.key(r));
            used.add(r.partition());
        }
        assertEquals(partitions, used.size(), "one candidate per partition: " + used);
    }

    private static CandidateEvent awaitCandidate(String run, String promptId) {
        ConsumerRecord<byte[], byte[]> r = TopicProbe.await(Topics.CANDIDATES,
                record -> (run + "-" + promptId + "-0").equals(TopicProbe.key(record)), WAIT);
        assertNotNull(r, "a candidate of prompt " + promptId);
        return EventCodec.candidate(new String(r.value(), StandardCharsets.UTF_8));
    }

    private static void sendCheckpoint(CheckpointEvent c) {
        TopicProbe.send(Topics.CHECKPOINTS, c.key(), EventCodec.encode(c).getBytes(StandardCharsets.UTF_8));
    }

    private static void sendPrompt(PromptEvent p, String key) {
        TopicProbe.send(Topics.PROMPTS, key, EventCodec.encode(p).getBytes(StandardCharsets.UTF_8));
    }

    private static CheckpointEvent checkpoint(String run, long version, PolicyParameters params) {
        return new CheckpointEvent(Event.CURRENT_SCHEMA, run, (int) version, version, "embedded", null, params, null,
                System.currentTimeMillis(), "toy");
    }

    private static PromptEvent prompt(String run, String id, long version) {
        return new PromptEvent(Event.CURRENT_SCHEMA, run + "-" + id, run, 1, 0, "toy", null, "prompt", 1, version,
                "cpu", null, System.currentTimeMillis());
    }
}
