package io.tttdiscover.trainer.messaging;

import io.tttdiscover.protocol.event.CandidateEvent;
import io.tttdiscover.protocol.event.Event;
import io.tttdiscover.protocol.event.EventCodec;
import io.tttdiscover.protocol.event.RewardEvent;
import io.tttdiscover.protocol.event.RewardStatus;
import io.tttdiscover.protocol.pack.ProblemPack;
import io.tttdiscover.protocol.pack.ScoreOrder;
import io.tttdiscover.trainer.domain.Run;
import io.tttdiscover.trainer.domain.RunStatus;
import io.tttdiscover.trainer.service.RunConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a reward must be to enter a run (the probes of a hostile user: forged, out of range, for nothing asked). */
class RewardCheckTest {
    private static final double SCALE = 1500.0;
    private static final RewardCheck.Range CPU = new RewardCheck.Range(ScoreOrder.LOWER_IS_BETTER, SCALE, 1.0, 60e6,
            262144);

    private static Run run() {
        Run run = new Run();
        run.id = "run-a";
        run.problemId = "trimul";
        run.status = RunStatus.RUNNING;
        run.currentStep = 2;
        run.config = EventCodec.encode(new RunConfig("trimul", 8, 2, 4, "cpu", 1, 0.1, 0.1, "entropic-adaptive",
                "embedded", null, 60, null, 32));
        return run;
    }

    private static RewardEvent reward(String runId, int step, int group, String promptId, RewardStatus status,
                                      double reward, Double runtimeUs) {
        String candidateId = promptId + "-0";
        CandidateEvent c = new CandidateEvent(Event.CURRENT_SCHEMA, candidateId, promptId, runId, step, group, 0,
                "trimul", null, 0, "embedded", "def custom_kernel(data): pass", null, "cpu", null, 0L);
        return new RewardEvent(Event.CURRENT_SCHEMA, runId, step, group, 0, "trimul", status, null, reward, runtimeUs,
                List.of(), null, List.of(), null, null, c);
    }

    private static Optional<String> check(RewardEvent r) {
        return RewardCheck.refusal(r, Optional.of(run()), CPU);
    }

    @Test
    void aRewardClaimingARuntimeOutsideThePacksRangeIsRefused() {
        // The probe: reward 1e308 with the runtime that makes reward = scale / runtime hold.
        Optional<String> forged = check(reward("run-a", 2, 1, "run-a-s2-g1", RewardStatus.OK, 1e308,
                SCALE / 1e308));
        assertTrue(forged.orElse("").contains("outside what problem trimul allows"), forged.toString());
        Optional<String> tooSlow = check(reward("run-a", 2, 1, "run-a-s2-g1", RewardStatus.OK, SCALE / 61e6, 61e6));
        assertTrue(tooSlow.orElse("").contains("(its timeout)"), tooSlow.toString());
    }

    @Test
    void theRangeIsThePacksPhysicsFloorAndTimeoutOnTheRunsTarget() {
        ProblemPack trimul = ProblemPack.load(Path.of("../../problems"), "trimul");
        Run cuda = run();
        cuda.config = EventCodec.encode(new RunConfig("trimul", 8, 2, 4, "cuda", 1, 0.1, 0.1, "entropic-adaptive",
                "embedded", null, 60, null, 32));
        double floor = trimul.minScore("cuda");
        assertTrue(floor > 200 && floor < 400, "the official benchmarks' floor, about 269 us: " + floor);
        Optional<String> belowFloor = RewardCheck.refusal(reward("run-a", 2, 1, "run-a-s2-g1", RewardStatus.OK,
                SCALE / 100.0, 100.0), Optional.of(cuda), trimul);
        assertTrue(belowFloor.orElse("").contains("physics floor"), belowFloor.toString());
        assertEquals(Optional.empty(), RewardCheck.refusal(reward("run-a", 2, 1, "run-a-s2-g1", RewardStatus.OK,
                SCALE / 1500.0, 1500.0), Optional.of(cuda), trimul));
        assertEquals(Optional.empty(), RewardCheck.refusal(reward("run-a", 2, 1, "run-a-s2-g1", RewardStatus.OK,
                SCALE / 100.0, 100.0), Optional.of(run()), trimul), "on the CPU only the 1 us floor applies");
    }

    @Test
    void aRewardForACandidateThePromptDidNotAskForIsRefused() {
        RewardEvent honest = reward("run-a", 2, 1, "run-a-s2-g1", RewardStatus.OK, SCALE / 9000.0, 9000.0);
        CandidateEvent c = honest.candidate();
        CandidateEvent extra = new CandidateEvent(c.schemaVersion(), "run-a-s2-g1-9", c.promptId(), c.runId(),
                c.step(), c.group(), 9, c.problemId(), c.parentStateId(), c.policyVersion(), c.backend(), c.program(),
                c.trace(), c.target(), c.maskSemantics(), c.createdAtMs());
        RewardEvent forged = new RewardEvent(honest.schemaVersion(), "run-a", 2, 1, 9, "trimul", RewardStatus.OK, null,
                honest.reward(), honest.runtimeUs(), List.of(), null, List.of(), null, null, extra);
        Optional<String> refused = check(forged);
        assertTrue(refused.orElse("").contains("did not ask for"), refused.toString());
    }

    @Test
    void aRewardCarryingAProgramOverThePacksLimitIsRefused() {
        RewardEvent honest = reward("run-a", 2, 1, "run-a-s2-g1", RewardStatus.OK, SCALE / 9000.0, 9000.0);
        CandidateEvent c = honest.candidate();
        CandidateEvent big = new CandidateEvent(c.schemaVersion(), c.candidateId(), c.promptId(), c.runId(),
                c.step(), c.group(), 0, c.problemId(), c.parentStateId(), c.policyVersion(), c.backend(),
                "#".repeat(262145), c.trace(), c.target(), c.maskSemantics(), c.createdAtMs());
        Optional<String> refused = check(new RewardEvent(honest.schemaVersion(), "run-a", 2, 1, 0, "trimul",
                RewardStatus.OK, null, honest.reward(), honest.runtimeUs(), List.of(), null, List.of(), null, null,
                big));
        assertTrue(refused.orElse("").contains("over the problem's max_program_bytes 262144"), refused.toString());
    }

    @Test
    void anHonestRewardForAPublishedPromptPasses() {
        assertEquals(Optional.empty(), check(reward("run-a", 2, 1, "run-a-s2-g1", RewardStatus.OK, 1500.0 / 9000.0,
                9000.0)));
        assertEquals(Optional.empty(), check(reward("run-a", 0, 0, "run-a-s0-g0", RewardStatus.INCORRECT, 0.0, null)),
                "a failure of an earlier step (a late delivery) is stored");
    }

    @Test
    void aCancelledRewardOfAStoppedRunIsStored() {
        Run stopped = run();
        stopped.status = RunStatus.STOPPED;
        assertEquals(Optional.empty(), RewardCheck.refusal(reward("run-a", 2, 0, "run-a-s2-g0", RewardStatus.CANCELLED,
                0.0, null), Optional.of(stopped), CPU));
    }

    @Test
    void aForgedOrImpossibleRewardIsRefused() {
        assertRefused(reward("run-a", 2, 1, "run-a-s2-g1", RewardStatus.OK, 1e308, 0.0), "finite positive score");
        assertRefused(reward("run-a", 2, 1, "run-a-s2-g1", RewardStatus.OK, 1e308, 9000.0), "does not match");
        assertRefused(reward("run-a", 2, 1, "run-a-s2-g1", RewardStatus.OK, Double.NaN, 9000.0), "not a finite");
        assertRefused(reward("run-a", 2, 1, "run-a-s2-g1", RewardStatus.REJECTED, 0.5, null), "must be 0");
        assertRefused(reward("run-a", 2, 1, "run-a-s2-g1", RewardStatus.OK, -1.0, 9000.0), "non-negative");
    }

    @Test
    void aHigherIsBetterScoreIsCheckedAgainstItsOwnRewardAndBound() {
        RewardCheck.Range circles = new RewardCheck.Range(ScoreOrder.HIGHER_IS_BETTER, 1.0, 0.0, 2.8768, 65536);
        assertEquals(Optional.empty(), RewardCheck.refusal(reward("run-a", 2, 1, "run-a-s2-g1", RewardStatus.OK, 2.61,
                2.61), Optional.of(run()), circles), "reward = scale * score");
        Optional<String> inverse = RewardCheck.refusal(reward("run-a", 2, 1, "run-a-s2-g1", RewardStatus.OK, 1 / 2.61,
                2.61), Optional.of(run()), circles);
        assertTrue(inverse.orElse("").contains("does not match"), inverse.toString());
        Optional<String> beyond = RewardCheck.refusal(reward("run-a", 2, 1, "run-a-s2-g1", RewardStatus.OK, 3.0, 3.0),
                Optional.of(run()), circles);
        assertTrue(beyond.orElse("").contains("(its proven bound)"), beyond.toString());
    }

    @Test
    void aRewardForWorkNeverAskedForIsRefused() {
        assertEquals(Optional.of("reward for unknown run run-x"),
                RewardCheck.refusal(reward("run-x", 0, 0, "run-x-s0-g0", RewardStatus.INCORRECT, 0.0, null),
                        Optional.empty(), CPU));
        assertRefused(reward("run-a", 3, 0, "run-a-s3-g0", RewardStatus.INCORRECT, 0.0, null), "has reached step 2");
        assertRefused(reward("run-a", 1, 2, "run-a-s1-g2", RewardStatus.INCORRECT, 0.0, null), "has 2 groups");
        assertRefused(reward("run-a", 1, 0, "someone-elses-prompt", RewardStatus.INCORRECT, 0.0, null),
                "no prompt this trainer published");
    }

    private static void assertRefused(RewardEvent r, String why) {
        Optional<String> refusal = check(r);
        assertTrue(refusal.isPresent() && refusal.get().contains(why), "expected a refusal with '" + why + "', got "
                + refusal);
    }
}
