package io.tttdiscover.trainer.algorithm;

import io.tttdiscover.protocol.event.PolicyParameters;
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
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StepUpdateTest {
    private static final ProblemPack TOY = ProblemPack.load(Path.of("src/test/resources/problems"), "toy");
    private static final List<Integer> PARENT = List.of(0, 0);

    private final TrainingSession session = new EmbeddedTrainingBackend((r, v) -> Optional.empty())
            .open(new TrainingSpec("r", TOY, null, 32, null, "cpu", 0), null);
    private final PolicyParameters start = session.initialCheckpoint().embeddedPolicy();

    private StepUpdate.Evaluated sample(String id, List<Integer> choices, Double runtimeUs) {
        List<Double> lp = ProgramSpacePolicy.logprobs(start, PARENT, choices, TOY.programSpace().available("cpu"));
        Rollout r = new Rollout(id, 0, runtimeUs == null ? 0 : 100 / runtimeUs, runtimeUs != null, runtimeUs,
                new TokenTrace(PARENT, choices, lp, null));
        return new StepUpdate.Evaluated(r, TOY.programSpace().render(choices), choices);
    }

    @Test
    void successesBecomeChildrenMissingSamplesCountAsFailedRolloutsAndThePolicyTrains() {
        PuctArchive archive = new PuctArchive();
        archive.addInitial(ArchiveState.initial(TOY));
        List<StepUpdate.Group> groups = List.of(
                new StepUpdate.Group("initial", List.of(sample("a", List.of(1, 0), 50.0),
                        sample("b", List.of(0, 1), null), sample("c", List.of(0, 1), 40.0))),
                new StepUpdate.Group("initial", List.of(sample("d", List.of(0, 1), 40.0))));
        StepUpdate.Outcome outcome = StepUpdate.apply(groups, archive, session,
                new TrainStep.Settings(AdvantageEstimator.ENTROPIC_ADAPTIVE, 0.1, AdamParams.paper(0.1)),
                new StepUpdate.Step(0, 3, 45.0, System.currentTimeMillis(), ScoreOrder.LOWER_IS_BETTER));

        assertEquals("c", outcome.best().candidateId(), "the first of the best score");
        assertEquals(3, archive.size(), "the initial state, a and c (d has c's code)");
        assertEquals(-40.0, archive.bestChildValue("initial").orElseThrow());
        assertEquals(6, archive.totalRollouts(), "4 arrived and 2 missing");
        assertEquals(6, archive.visits("initial"));
        assertEquals(1 + 2, outcome.metrics().failures(), "b failed, 2 never arrived");
        assertEquals(40.0, outcome.metrics().bestRuntimeSoFarUs());
        assertEquals(1, outcome.metrics().groupsKept(), "the one-sample group is constant");
        assertNotEquals(start, session.saveForSampler(1).embeddedPolicy());
    }

    @Test
    void aStepWhoseSamplesAllFailedHasNoBest() {
        PuctArchive archive = new PuctArchive();
        archive.addInitial(ArchiveState.initial(TOY));
        StepUpdate.Outcome outcome = StepUpdate.apply(
                List.of(new StepUpdate.Group("initial", List.of(sample("a", List.of(1, 0), null)))), archive,
                session, new TrainStep.Settings(AdvantageEstimator.MEAN, 0.0, AdamParams.paper(0.1)),
                new StepUpdate.Step(2, 1, null, System.currentTimeMillis(), ScoreOrder.LOWER_IS_BETTER));
        assertNull(outcome.best());
        assertNull(outcome.metrics().bestRuntimeSoFarUs());
        assertEquals(1, archive.size());
        assertTrue(archive.bestChildValue("initial").isEmpty());
    }
}
