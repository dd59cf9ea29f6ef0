package io.tttdiscover.evaluator.messaging;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;
import io.smallrye.reactive.messaging.memory.InMemorySink;
import io.tttdiscover.evaluator.PythonTorch;
import io.tttdiscover.protocol.event.CandidateEvent;
import io.tttdiscover.protocol.event.Event;
import io.tttdiscover.protocol.event.EventCodec;
import io.tttdiscover.protocol.event.MaskSemantics;
import io.tttdiscover.protocol.event.RewardEvent;
import io.tttdiscover.protocol.event.RewardStatus;
import io.tttdiscover.protocol.pack.ProblemPack;
import io.tttdiscover.protocol.pack.ProgramSpace;
import io.tttdiscover.testkit.InMemoryDelivery;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Candidates in, rewards out, through the real TriMul harness on the CPU. */
@QuarkusTest
@QuarkusTestResource(InMemoryChannels.class)
class CandidateListenerTest {
    private static final Logger LOG = Logger.getLogger(CandidateListenerTest.class);
    private static final Path PROBLEMS = Path.of("../../problems");

    @Inject
    @Any
    InMemoryConnector connector;

    private InMemorySink<String> rewards;

    @BeforeEach
    void clearSink() {
        rewards = connector.sink("rewards");
        rewards.clear();
    }

    @Test
    void aCorrectBaselineIsScoredAndABrokenOneIsASyntaxError() throws Exception {
        PythonTorch.assumeAvailable();
        ProblemPack pack = ProblemPack.load(PROBLEMS, "trimul");
        ProgramSpace space = pack.programSpace();
        send(candidate("run-t", "good", space.render(space.baseline()))).get(120, TimeUnit.SECONDS);
        send(candidate("run-t", "broken", "def custom_kernel(data:\n    return data\n")).get(60, TimeUnit.SECONDS);

        Map<String, RewardEvent> byId = received();
        RewardEvent ok = byId.get("good");
        assertEquals(RewardStatus.OK, ok.status(), ok.message());
        assertNotNull(ok.runtimeUs());
        assertEquals(1500.0 / ok.runtimeUs(), ok.reward(), 1e-12);
        assertEquals(pack.rewardScale(), 1500.0);
        assertTrue(ok.benchmarks().size() >= 1);
        assertEquals(ok.tests().total(), ok.tests().passed());
        assertEquals("cpu", ok.evaluator().device());
        assertNotNull(ok.evaluator().torch());
        assertNotNull(ok.evaluator().python());
        assertEquals("as-specified", ok.evaluator().maskSemantics());
        assertTrue(ok.evaluator().worker().startsWith("slot-0"), ok.evaluator().worker());
        assertTrue(ok.evaluator().evaluatorVersion().contains("/trimul@"), ok.evaluator().evaluatorVersion());
        assertTrue(ok.timings().benchmarkMs() > 0 && ok.timings().testMs() > 0);
        assertTrue(ok.timings().evalFinishedAtMs() >= ok.timings().evalStartedAtMs());
        assertTrue(ok.timings().evalStartedAtMs() >= ok.timings().receivedAtMs());
        assertEquals("good", ok.candidate().candidateId());
        assertEquals("run-t", ok.runId());
        LOG.infof("baseline TriMul on the CPU: score %.1f us, evaluation %d ms through the pool",
                ok.runtimeUs(), ok.timings().evalMs());

        RewardEvent broken = byId.get("broken");
        assertEquals(RewardStatus.SYNTAX_ERROR, broken.status());
        assertEquals(0.0, broken.reward());
        assertNull(broken.runtimeUs());

        for (Message<String> m : rewards.received()) {
            assertEquals("run-t", m.getMetadata(OutgoingKafkaRecordMetadata.class).orElseThrow().getKey());
        }
    }

    @Test
    void theCandidatesMaskSemanticsIsAppliedPerRequestAndRecorded() throws Exception {
        PythonTorch.assumeAvailable();
        ProgramSpace space = ProblemPack.load(PROBLEMS, "trimul").programSpace();
        CandidateEvent c = candidate("run-mask", "all-ones", space.render(space.baseline()));
        send(withMask(c, MaskSemantics.OFFICIAL_ALL_ONES)).get(120, TimeUnit.SECONDS);
        RewardEvent r = received().get("all-ones");
        assertEquals(RewardStatus.OK, r.status(), r.message());
        assertEquals("official-all-ones", r.evaluator().maskSemantics(), "the workers start with as-specified");
        assertEquals(MaskSemantics.OFFICIAL_ALL_ONES, r.candidate().maskSemantics());
        String sandbox = r.evaluator().sandbox();
        assertTrue(sandbox != null && sandbox.contains("no-new-privs") && !sandbox.contains("PRIVILEGED"),
                "the real harness reports an unprivileged sandbox: " + sandbox);
    }

    @Test
    void aHackIsARejectedRewardThatNamesTheRule() throws Exception {
        PythonTorch.assumeAvailable();
        String hack = Files.readString(
                PythonTorch.REPO.resolve("problems/trimul/tests/hack_thread.py"));
        send(candidate("run-h", "hack", hack)).get(120, TimeUnit.SECONDS);
        RewardEvent r = EventCodec.reward(rewards.received().get(0).getPayload());
        assertEquals(RewardStatus.REJECTED, r.status(), r.message());
        assertEquals(0.0, r.reward());
        assertTrue(r.checksFired().contains("import-threading"), String.valueOf(r.checksFired()));
    }

    @Test
    void anEmptyProgramIsASyntaxErrorWithoutPython() throws Exception {
        send(candidate("run-e", "empty", "  \n")).get(10, TimeUnit.SECONDS);
        RewardEvent r = received().get("empty");
        assertEquals(RewardStatus.SYNTAX_ERROR, r.status());
        assertEquals("no program in the completion", r.message());
        assertEquals(0.0, r.reward());
    }

    @Test
    void anUnknownProblemIsAnEvaluatorError() throws Exception {
        CandidateEvent c = candidate("run-u", "unknown", "x = 1");
        c = new CandidateEvent(c.schemaVersion(), c.candidateId(), c.promptId(), c.runId(), c.step(), c.group(),
                c.sample(), "no-such-problem", c.parentStateId(), c.policyVersion(), c.backend(), c.program(),
                c.trace(), c.target(), c.maskSemantics(), c.createdAtMs());
        send(c).get(10, TimeUnit.SECONDS);
        RewardEvent r = received().get("unknown");
        assertEquals(RewardStatus.EVALUATOR_ERROR, r.status());
        assertTrue(r.message().contains("no evaluator for problem no-such-problem"), r.message());
    }

    @Test
    void aMalformedCandidateIsNackedAndTheConsumerGoesOn() throws Exception {
        String noProblem = EventCodec.encode(candidate("run-m", "malformed", "x = 1"))
                .replace("\"problemId\":\"trimul\"", "\"problemId\":null");
        CompletableFuture<Void> bad = send(noProblem);
        try {
            bad.get(10, TimeUnit.SECONDS);
            fail("a candidate without problem id must be nacked");
        } catch (ExecutionException e) {
            assertTrue(e.getCause().getMessage().contains("missing required field problemId"),
                    e.getCause().getMessage());
        }
        send(candidate("run-m", "after-malformed", "")).get(10, TimeUnit.SECONDS);
        assertNotNull(received().get("after-malformed"));
    }

    private Map<String, RewardEvent> received() {
        return rewards.received().stream().map(m -> EventCodec.reward(m.getPayload()))
                .collect(Collectors.toMap(RewardEvent::candidateId, Function.identity(), (a, b) -> b));
    }

    private CompletableFuture<Void> send(CandidateEvent c) {
        return send(EventCodec.encode(c));
    }

    private CompletableFuture<Void> send(String payload) {
        return InMemoryDelivery.deliver(connector, "candidates", payload.getBytes(StandardCharsets.UTF_8));
    }

    private static CandidateEvent withMask(CandidateEvent c, MaskSemantics mask) {
        return new CandidateEvent(c.schemaVersion(), c.candidateId(), c.promptId(), c.runId(), c.step(), c.group(),
                c.sample(), c.problemId(), c.parentStateId(), c.policyVersion(), c.backend(), c.program(), c.trace(),
                c.target(), mask, c.createdAtMs());
    }

    private static CandidateEvent candidate(String run, String id, String program) {
        return new CandidateEvent(Event.CURRENT_SCHEMA, id, "p-" + id, run, 1, 0, 0, "trimul", null, 0, "embedded",
                program, null, "cpu", null, System.currentTimeMillis());
    }
}
