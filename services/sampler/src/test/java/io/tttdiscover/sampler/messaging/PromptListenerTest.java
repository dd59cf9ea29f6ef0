package io.tttdiscover.sampler.messaging;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;
import io.smallrye.reactive.messaging.memory.InMemorySink;
import io.tttdiscover.protocol.event.CandidateEvent;
import io.tttdiscover.protocol.event.CheckpointEvent;
import io.tttdiscover.protocol.event.Event;
import io.tttdiscover.protocol.event.EventCodec;
import io.tttdiscover.protocol.event.MaskSemantics;
import io.tttdiscover.protocol.event.ParentState;
import io.tttdiscover.protocol.event.PromptEvent;
import io.tttdiscover.protocol.pack.ProblemPack;
import io.tttdiscover.protocol.pack.ProgramSpace;
import io.tttdiscover.protocol.policy.ProgramSpacePolicy;
import io.tttdiscover.testkit.InMemoryDelivery;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

@QuarkusTest
@QuarkusTestResource(InMemoryChannels.class)
class PromptListenerTest {
    private static final ProgramSpace SPACE =
            ProblemPack.load(Path.of("src/test/resources/problems"), "toy").programSpace();

    @Inject
    @Any
    InMemoryConnector connector;

    private InMemorySink<String> candidates;

    @BeforeEach
    void clearSink() {
        candidates = connector.sink("candidates");
        candidates.clear();
    }

    @Test
    void aPromptBecomesCandidatesOnceItsCheckpointArrives() throws Exception {
        String run = "run-a";
        // The prompt first: it must wait for its checkpoint, which arrives a moment later.
        CompletableFuture<Void> acked = send("prompts", EventCodec.encode(prompt("pa", run, 4, List.of(1, 0), 1,
                MaskSemantics.OFFICIAL_ALL_ONES)));
        send("checkpoints", EventCodec.encode(checkpoint(run, 1)));

        awaitTrue(() -> candidates.received().size() == 4, "4 candidates");
        acked.get(5, TimeUnit.SECONDS);
        List<? extends Message<String>> received = candidates.received();
        Set<String> keys = received.stream().map(PromptListenerTest::key).collect(Collectors.toSet());
        assertEquals(Set.of("pa-0", "pa-1", "pa-2", "pa-3"), keys);
        for (Message<String> m : received) {
            CandidateEvent c = EventCodec.candidate(m.getPayload());
            assertEquals(key(m), c.candidateId());
            assertEquals(c.candidateId(), "pa-" + c.sample());
            assertEquals("pa", c.promptId());
            assertEquals(run, c.runId());
            assertEquals("toy", c.problemId());
            assertEquals("s-pa", c.parentStateId());
            assertEquals(1, c.policyVersion());
            assertEquals("embedded", c.backend());
            assertEquals("cpu", c.target());
            assertEquals(MaskSemantics.OFFICIAL_ALL_ONES, c.maskSemantics(), "copied from the prompt");
            assertEquals(List.of(1, 0), c.trace().promptTokens());
            assertEquals(SPACE.render(c.trace().completionTokens()), c.program());
            assertEquals(0, c.trace().completionTokens().get(1), "CUDA-only alternative masked on the CPU");
            assertTrue(c.createdAtMs() > 0);
        }

        // Redelivery of the same prompt: acknowledged, nothing emitted twice.
        send("prompts", EventCodec.encode(prompt("pa", run, 4, List.of(1, 0), 1, MaskSemantics.OFFICIAL_ALL_ONES)))
                .get(5, TimeUnit.SECONDS);
        assertEquals(4, candidates.received().size());
    }

    @Test
    void aMalformedPromptIsNackedAndTheNextOneIsProcessed() throws Exception {
        String run = "run-b";
        send("checkpoints", EventCodec.encode(checkpoint(run, 0)));
        CompletableFuture<Void> bad = send("prompts", "{\"schemaVersion\":1,\"promptId\":\"x\"");
        CompletableFuture<Void> good = send("prompts", EventCodec.encode(prompt("pb", run, 2, null, 0,
                MaskSemantics.AS_SPECIFIED)));

        Throwable reason = null;
        try {
            bad.get(5, TimeUnit.SECONDS);
            fail("a malformed prompt must be nacked");
        } catch (java.util.concurrent.ExecutionException e) {
            reason = e.getCause();
        }
        assertNotNull(reason);
        assertTrue(reason.getMessage().contains("not a valid PromptEvent"), reason.getMessage());

        good.get(10, TimeUnit.SECONDS);
        awaitTrue(() -> candidates.received().size() == 2, "2 candidates of the good prompt");
        CandidateEvent c = EventCodec.candidate(candidates.received().get(0).getPayload());
        assertEquals(List.of(ProgramSpacePolicy.NO_PARENT, ProgramSpacePolicy.NO_PARENT), c.trace().promptTokens());
        assertEquals(MaskSemantics.AS_SPECIFIED, c.maskSemantics());
    }

    @Test
    void aPromptOfARunWithoutPolicyIsNackedWithTheReason() {
        CompletableFuture<Void> orphan = send("prompts", EventCodec.encode(prompt("pc", "run-none", 1, null, 0,
                null)));
        try {
            orphan.get(10, TimeUnit.SECONDS);
            fail("a prompt without policy must be nacked");
        } catch (Exception e) {
            assertTrue(e.getCause().getMessage().contains("unknown run run-none"), e.getCause().getMessage());
        }
        assertEquals(0, candidates.received().size());
    }

    @Test
    void aProgramOverThePacksLimitTravelsAsItsSizeAndHashOnly() throws Exception {
        String run = "run-tiny";
        send("checkpoints", EventCodec.encode(checkpoint(run, 0)));
        PromptEvent p = prompt("pt", run, 1, null, 0, null);
        p = new PromptEvent(p.schemaVersion(), p.promptId(), p.runId(), p.step(), p.group(), "tiny", p.parent(),
                p.renderedPrompt(), p.samplesWanted(), p.policyVersion(), p.target(), p.maskSemantics(),
                p.createdAtMs());
        send("prompts", EventCodec.encode(p)).get(10, TimeUnit.SECONDS);

        CandidateEvent c = EventCodec.candidate(candidates.received().get(0).getPayload());
        String program = SPACE.render(c.trace().completionTokens());
        assertTrue(c.programWithheld());
        assertEquals("", c.program());
        assertEquals(program.getBytes(StandardCharsets.UTF_8).length, c.programBytes());
        assertEquals(CandidateEvent.sha256(program.getBytes(StandardCharsets.UTF_8)), c.programSha256());
        assertEquals(2, c.trace().completionTokens().size(), "the trace still travels, so the policy learns");
    }

    private CompletableFuture<Void> send(String channel, String payload) {
        return InMemoryDelivery.deliver(connector, channel, payload.getBytes(StandardCharsets.UTF_8));
    }

    private static String key(Message<String> m) {
        return m.getMetadata(OutgoingKafkaRecordMetadata.class).map(md -> (String) md.getKey()).orElse(null);
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                fail("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    private static CheckpointEvent checkpoint(String run, long version) {
        return new CheckpointEvent(Event.CURRENT_SCHEMA, run, (int) version, version, "embedded", null,
                ProgramSpacePolicy.initial(List.of(3, 2), 1.0), null, System.currentTimeMillis());
    }

    private static PromptEvent prompt(String id, String run, int samples, List<Integer> parent, long version,
                                      MaskSemantics mask) {
        ParentState state = parent == null ? null : new ParentState("s-" + id, "code", parent, 50.0);
        return new PromptEvent(Event.CURRENT_SCHEMA, id, run, 1, 0, "toy", state, "prompt", samples, version, "cpu",
                mask, System.currentTimeMillis());
    }
}
