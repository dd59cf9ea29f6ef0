package io.tttdiscover.trainer.algorithm;

import io.tttdiscover.protocol.event.PolicyParameters;
import io.tttdiscover.protocol.event.StepMetrics;
import io.tttdiscover.protocol.event.TokenTrace;
import io.tttdiscover.protocol.pack.ProblemPack;
import io.tttdiscover.protocol.pack.ScoreOrder;
import io.tttdiscover.protocol.policy.ProgramSpacePolicy;
import io.tttdiscover.protocol.spi.AdamParams;
import io.tttdiscover.protocol.spi.TrainingSession;
import io.tttdiscover.protocol.spi.TrainingSpec;
import io.tttdiscover.trainer.training.EmbeddedTrainingBackend;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class TrainStepTest {
    private static final ProblemPack TOY = ProblemPack.load(Path.of("src/test/resources/problems"), "toy");
    private static final List<Integer> PARENT = List.of(0, 0);

    private final TrainingSession session = new EmbeddedTrainingBackend((r, v) -> Optional.empty())
            .open(new TrainingSpec("r", TOY, null, 32, null, "cpu", 0), null);
    private final PolicyParameters start = session.initialCheckpoint().embeddedPolicy();

    private Rollout rollout(int group, List<Integer> choices, Double runtimeUs) {
        List<Double> lp = ProgramSpacePolicy.logprobs(start, PARENT, choices, TOY.programSpace().choosable("cpu"));
        // one edit of the parent: only the changed decision was drawn, as the sampler's trace masks it
        List<Integer> mask = java.util.stream.IntStream.range(0, choices.size())
                .mapToObj(d -> choices.get(d).equals(PARENT.get(d)) ? 0 : 1).toList();
        return new Rollout("c" + group + choices + runtimeUs, group, runtimeUs == null ? 0 : 100 / runtimeUs,
                runtimeUs != null, runtimeUs, new TokenTrace(PARENT, choices, lp, mask));
    }

    @Test
    void mixedGroupsTrainAndConstantGroupsAreCounted() {
        List<List<Rollout>> groups = List.of(
                List.of(rollout(0, List.of(1, 0), 50.0), rollout(0, List.of(0, 1), null),
                        rollout(0, List.of(0, 1), 100.0)),
                List.of(rollout(1, List.of(1, 0), null), rollout(1, List.of(0, 1), null)),
                List.of());
        StepMetrics m = TrainStep.run(groups, session,
                new TrainStep.Settings(AdvantageEstimator.MEAN, 0.0, AdamParams.paper(0.1)),
                new TrainStep.Context(3, 1, 60.0, 7, System.currentTimeMillis(),
                        ScoreOrder.LOWER_IS_BETTER));
        // rewards 2, 0, 1 -> mean baseline advantages 1, -1, 0
        assertEquals(3, m.step());
        assertEquals(5, m.samples());
        assertEquals(3 + 1, m.failures());
        assertEquals(2.0, m.rewardMax());
        assertEquals(3.0 / 5, m.rewardMean(), 1e-12);
        assertEquals(50.0, m.bestRuntimeUs());
        assertEquals(50.0, m.bestRuntimeSoFarUs());
        assertEquals(0.5, m.fracAllBad());
        assertEquals(0.5, m.fracMixed());
        assertEquals(1, m.groupsKept());
        assertEquals(0.0, m.advantageMean(), 1e-12);
        assertEquals(-1.0, m.advantageMin());
        assertEquals(1.0, m.advantageMax());
        // sampled from the policy being trained (one edit each, the edited token drawn): ratio 1,
        // loss = -sum_t A_t = -(1 + -1 + 0)
        assertEquals(0.0, m.loss(), 1e-12);
        assertEquals(0.0, m.klSampleTrain(), 1e-12);
        assertEquals(7, m.archiveSize());
        assertNotEquals(start, session.saveForSampler(1).embeddedPolicy());
    }

    @Test
    void allConstantGroupsGiveNoGradient() {
        List<List<Rollout>> groups = List.of(List.of(rollout(0, List.of(1, 0), null), rollout(0, List.of(0, 1), null)));
        StepMetrics m = TrainStep.run(groups, session,
                new TrainStep.Settings(AdvantageEstimator.ENTROPIC_ADAPTIVE, 0.1, AdamParams.paper(0.1)),
                new TrainStep.Context(0, 0, null, 1, System.currentTimeMillis(),
                        ScoreOrder.LOWER_IS_BETTER));
        assertEquals(0, m.groupsKept());
        assertEquals(1.0, m.fracAllBad());
        assertEquals(null, m.bestRuntimeSoFarUs());
        assertEquals(0.0, m.advantageMax(), 1e-9);
    }
}
