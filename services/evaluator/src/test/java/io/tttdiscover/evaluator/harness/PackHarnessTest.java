package io.tttdiscover.evaluator.harness;

import io.tttdiscover.protocol.event.CandidateEvent;
import io.tttdiscover.protocol.event.Event;
import io.tttdiscover.protocol.event.MaskSemantics;
import io.tttdiscover.protocol.event.RewardEvent;
import io.tttdiscover.protocol.event.RewardStatus;
import io.tttdiscover.protocol.pack.ProblemPack;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A candidate's mask semantics through the harness: into the request line, and back as the value the reward records.
 * The worker is the protocol test worker, started (as the evaluator starts TriMul's) with official-all-ones as its
 * fallback for requests that name none.
 */
class PackHarnessTest {
    private static final Path WORKER = Path.of("src/test/resources/harness/protocol_worker.py").toAbsolutePath();
    private PackHarness harness;

    @BeforeEach
    void start(@TempDir Path problems) throws IOException {
        Path dir = Files.createDirectories(problems.resolve("fake"));
        Files.writeString(dir.resolve("pack.yml"), "id: fake\nreward_scale: 100\ntimeouts: {cpu: 1}\nharness: "
                + WORKER + "\n");
        harness = new PackHarness(ProblemPack.load(problems, "fake"), "/usr/bin/python3", "cpu", 1, slot -> Map.of(),
                List.of("--mask-semantics", "official-all-ones"), Duration.ofSeconds(30), Duration.ofSeconds(1),
                "test", "localhost");
    }

    @AfterEach
    void close() {
        harness.close();
    }

    @Test
    void theCandidatesChoiceGoesWithTheRequestAndIsRecordedFromTheResult() throws Exception {
        RewardEvent r = harness.evaluate(candidate("c-asked", "x", MaskSemantics.AS_SPECIFIED), 0);
        assertEquals(RewardStatus.OK, r.status(), r.message());
        assertEquals("fields code,id,mask_semantics,timeout_s", r.message());
        assertEquals("as-specified", r.evaluator().maskSemantics(), "what the result says, not the worker's default");
    }

    @Test
    void aCandidateLostToADeadWorkerIsEvaluatedOnceMore(@TempDir Path tmp) throws Exception {
        RewardEvent r = harness.evaluate(candidate("c-once", "CRASH_ONCE:" + tmp.resolve("died"), null), 0);
        assertEquals(RewardStatus.OK, r.status(), "the second worker answers: " + r.message());
        RewardEvent twice = harness.evaluate(candidate("c-twice", "CRASH", null), 0);
        assertEquals(RewardStatus.CRASHED, twice.status());
        assertTrue(twice.message().contains("failed twice"), twice.message());
    }

    @Test
    void whatTheSandboxAppliedIsRecordedWithTheReward() throws Exception {
        RewardEvent r = harness.evaluate(candidate("c-sandbox", "x", null), 0);
        assertEquals("net,mount,read-only,uid 61000,no-new-privs; refused: unshare: Operation not permitted",
                r.evaluator().sandbox());
        RewardEvent hung = harness.evaluate(candidate("c-sandbox-hang", "HANG", null), 0);
        assertEquals(null, hung.evaluator().sandbox(), "no result, no claim");
    }

    @Test
    void aCandidateWithoutOneGetsTheWorkersStartupSetting() throws Exception {
        RewardEvent r = harness.evaluate(candidate("c-none", "x", null), 0);
        assertEquals(RewardStatus.OK, r.status(), r.message());
        assertEquals("fields code,id,timeout_s", r.message());
        assertEquals("official-all-ones", r.evaluator().maskSemantics());
    }

    @Test
    void aResultUnderOtherSemanticsThanAskedIsAnEvaluatorError() throws Exception {
        RewardEvent r = harness.evaluate(candidate("c-ignored", "IGNORE_MASK", MaskSemantics.AS_SPECIFIED), 0);
        assertEquals(RewardStatus.EVALUATOR_ERROR, r.status());
        assertEquals(0.0, r.reward());
        assertTrue(r.message().contains("applied mask semantics official-all-ones but the candidate asked for "
                + "as-specified"), r.message());
        assertEquals("official-all-ones", r.evaluator().maskSemantics(), "what was applied");
    }

    @Test
    void withoutAResultTheRequestedSemanticsIsRecorded() throws Exception {
        RewardEvent r = harness.evaluate(candidate("c-hang", "HANG", MaskSemantics.AS_SPECIFIED), 0);
        assertEquals(RewardStatus.TIMEOUT, r.status(), r.message());
        assertEquals("as-specified", r.evaluator().maskSemantics());
    }

    private static CandidateEvent candidate(String id, String program, MaskSemantics mask) {
        return new CandidateEvent(Event.CURRENT_SCHEMA, id, "p", "run-m", 0, 0, 0, "fake", null, 0, "embedded",
                program, null, "cpu", mask, System.currentTimeMillis());
    }
}
