package io.tttdiscover.cli;

import io.tttdiscover.cli.report.ExperienceMetrics;
import io.tttdiscover.protocol.event.CandidateEvent;
import io.tttdiscover.protocol.event.EvaluationTimings;
import io.tttdiscover.protocol.event.RewardEvent;
import io.tttdiscover.protocol.event.RewardStatus;
import io.tttdiscover.protocol.event.StepMetrics;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class ExperienceMetricsTest {

    @Test
    void rebuildsRewardFiguresAndGroupSharesPerStep() {
        List<RewardEvent> rewards = List.of(
                reward(0, 0, "a", RewardStatus.OK, 1.5, 1000.0),
                reward(0, 0, "b", RewardStatus.OK, 3.0, 500.0),
                reward(0, 1, "c", RewardStatus.INCORRECT, 0, null),
                reward(0, 1, "d", RewardStatus.TIMEOUT, 0, null),
                reward(1, 0, "e", RewardStatus.OK, 2.0, 750.0),
                reward(1, 0, "f", RewardStatus.OK, 2.0, 750.0));

        List<StepMetrics> steps = ExperienceMetrics.rebuild(rewards);

        assertEquals(2, steps.size());
        StepMetrics s0 = steps.get(0);
        assertEquals(4, s0.samples());
        assertEquals(2, s0.failures());
        assertEquals(3.0, s0.rewardMax());
        assertEquals(4.5 / 4, s0.rewardMean(), 1e-12);
        assertEquals(0.0, s0.rewardMin());
        assertEquals(500.0, s0.bestRuntimeUs());
        assertEquals(0.5, s0.fracMixed());
        assertEquals(0.5, s0.fracAllBad());
        assertEquals(0.0, s0.fracAllGood());
        assertEquals(1500 - 100, s0.wallMs());

        StepMetrics s1 = steps.get(1);
        assertEquals(1.0, s1.fracAllGood());
        assertEquals(750.0, s1.bestRuntimeUs());
        assertEquals(500.0, s1.bestRuntimeSoFarUs(), "best so far carries over from step 0");
    }

    @Test
    void aStepWithoutSuccessHasNoBestRuntime() {
        List<StepMetrics> steps = ExperienceMetrics.rebuild(List.of(
                reward(0, 0, "x", RewardStatus.CRASHED, 0, null)));
        assertNull(steps.get(0).bestRuntimeUs());
        assertEquals(1.0, steps.get(0).fracAllBad());
    }

    static RewardEvent reward(int step, int group, String id, RewardStatus status, double reward, Double us) {
        CandidateEvent c = new CandidateEvent(1, id, "p", "run", step, group, 0, "trimul", null, 0, "embedded",
                "code", null, "cpu", null, 100);
        return new RewardEvent(1, "run", step, group, 0, "trimul", status, null, reward, us, List.of(), null,
                List.of(), null, new EvaluationTimings(100, 200, 300, 1500, 0, 0, 0), c);
    }
}
