package io.tttdiscover.trainer.training;

import io.tttdiscover.protocol.event.EventCodec;
import io.tttdiscover.protocol.event.PolicyParameters;
import io.tttdiscover.protocol.pack.Choosable;
import io.tttdiscover.protocol.pack.ProblemPack;
import io.tttdiscover.protocol.policy.ProgramSpacePolicy;
import io.tttdiscover.protocol.spi.AdamParams;
import io.tttdiscover.protocol.spi.Datum;
import io.tttdiscover.protocol.spi.ForwardBackwardResult;
import io.tttdiscover.protocol.spi.PolicyCheckpoint;
import io.tttdiscover.protocol.spi.TrainingSession;
import io.tttdiscover.protocol.spi.TrainingSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EmbeddedTrainingBackendTest {
    private static final ProblemPack TOY = ProblemPack.load(Path.of("src/test/resources/problems"), "toy");
    private static final List<boolean[]> CPU = TOY.programSpace().available("cpu");

    private static TrainingSpec spec(String warmStart) {
        return new TrainingSpec("r1", TOY, null, 32, warmStart, "cpu", 0);
    }

    @Test
    void gradientOfTheImportanceSamplingLossMatchesFiniteDifferences() {
        FlatParameters layout = new FlatParameters(List.of(3, 2));
        Random rng = new Random(7);
        double[] x = new double[layout.length()];
        for (int i = 0; i < x.length; i++) {
            x[i] = rng.nextGaussian();
        }
        List<Datum> data = List.of(
                new Datum(List.of(0, 1), List.of(1, 1), List.of(-0.9, -0.4), List.of(1.3, 1.3)),
                new Datum(List.of(1, 0), List.of(1, 0), List.of(-1.2, -0.8), List.of(-0.7, -0.7)),
                new Datum(List.of(), List.of(0, 1), List.of(-1.0, -0.6), List.of(0.4, 0.4)),
                new Datum(List.of(2, 1), List.of(0, 1), List.of(-0.3, -0.5), List.of(2.0, 0.0)));
        double[] grad = ImportanceSamplingLoss.evaluate(layout, x, data, CPU).gradient();
        assertMatchesFiniteDifferences(layout, x, data, CPU, grad);
        // the cuda-only alternative is masked on cpu: no gradient
        assertEquals(0.0, grad[layout.logit(0, 2)]);
    }

    /**
     * One-edit forms: the gradient of the joint edit softmax (logits and keep biases; relative-edit: also the logit of
     * the parent's choice each edit is rated against) is exact.
     */
    @ParameterizedTest
    @ValueSource(strings = {PolicyParameters.ONE_EDIT, PolicyParameters.RELATIVE_EDIT})
    void oneEditGradientMatchesFiniteDifferences(String form) {
        FlatParameters layout = new FlatParameters(List.of(3, 2, 3), form);
        List<boolean[]> available = List.of(new boolean[]{true, true, true}, new boolean[]{true, true},
                new boolean[]{true, false, true});
        Random rng = new Random(9);
        double[] x = new double[layout.length()];
        for (int i = 0; i < x.length; i++) {
            x[i] = rng.nextGaussian();
        }
        List<Datum> data = List.of(
                new Datum(List.of(0, 1, 0), List.of(2, 1, 0), List.of(-1.5, 0.0, 0.0), List.of(1.2, 0.0, 0.0)),
                new Datum(List.of(0, 1, 0), List.of(0, 0, 0), List.of(0.0, -1.1, 0.0), List.of(0.0, -0.6, 0.0)),
                new Datum(List.of(1, 0, 2), List.of(1, 0, 0), List.of(0.0, 0.0, -1.3), List.of(0.0, 0.0, 2.0)),
                new Datum(List.of(), List.of(1, 1, 2), List.of(-1.0, -0.7, -0.9), List.of(0.5, 0.5, 0.5)));
        ImportanceSamplingLoss.Result r = ImportanceSamplingLoss.evaluate(layout, x, data, available);
        assertMatchesFiniteDifferences(layout, x, data, available, r.gradient());
        assertTrue(r.gradient()[layout.keepBias(1)] != 0.0, "which decision to edit is learned too");
        assertEquals(0.0, r.learnerLogprobs().get(0).get(1), "a decision the edit left alone is forced");
        // datum 0 edits decision 0 away from the parent's alternative 0: only the relative form moves that logit
        // beyond its share of the softmax (it is excluded from the edits of decision 0, so the one-edit form leaves it)
        List<Datum> first = data.subList(0, 1);
        double[] g = ImportanceSamplingLoss.evaluate(layout, x, first, available).gradient();
        if (form.equals(PolicyParameters.RELATIVE_EDIT)) {
            assertTrue(g[layout.logit(0, 0)] != 0.0, "the replaced alternative is rated too");
        } else {
            assertEquals(0.0, g[layout.logit(0, 0)], "one-edit: the parent's alternative takes no part");
        }
    }

    /** Every component of {@code grad} against a central difference of the loss (step 1e-6). */
    private static void assertMatchesFiniteDifferences(FlatParameters layout, double[] x, List<Datum> data,
                                                       List<boolean[]> available, double[] grad) {
        double h = 1e-6;
        for (int i = 0; i < x.length; i++) {
            double[] plus = x.clone();
            double[] minus = x.clone();
            plus[i] += h;
            minus[i] -= h;
            double numeric = (ImportanceSamplingLoss.evaluate(layout, plus, data, available).loss()
                    - ImportanceSamplingLoss.evaluate(layout, minus, data, available).loss()) / (2 * h);
            assertEquals(numeric, grad[i], 1e-6, "parameter " + i);
        }
    }

    @Test
    void lossIsTheNegatedSumOfRatioTimesAdvantage() {
        FlatParameters layout = new FlatParameters(List.of(3, 2));
        double[] x = new double[layout.length()];
        // uniform over 2 available alternatives at each decision: logp = ln 0.5; sampler logp = ln 0.25 -> ratio 2
        Datum d = new Datum(List.of(), List.of(1, 0), List.of(Math.log(0.25), Math.log(0.25)), List.of(1.5, 1.5));
        ImportanceSamplingLoss.Result r = ImportanceSamplingLoss.evaluate(layout, x, List.of(d, d), CPU);
        assertEquals(-(2 * 1.5 + 2 * 1.5) * 2, r.loss(), 1e-12);
        assertEquals(Math.log(0.5), r.learnerLogprobs().get(0).get(0), 1e-12);
    }

    @Test
    void adamStepsRaiseTheProbabilityOfTheRewardedAlternative() {
        // per-decision form (a run resumed from before the one-edit form): the rewarded alternative gains
        PolicyParameters perDecision = ProgramSpacePolicy.initial(List.of(3, 2),
                EmbeddedTrainingBackend.INITIAL_KEEP_BIAS, PolicyParameters.PER_DECISION);
        EmbeddedTrainingBackend backend = new EmbeddedTrainingBackend((run, version) ->
                Optional.of(perDecision));
        TrainingSession session = backend.open(spec("embedded:old@1"), null);
        PolicyParameters start = session.initialCheckpoint().embeddedPolicy();
        assertEquals(PolicyParameters.PER_DECISION, start.form());
        List<Integer> parent = TOY.programSpace().baseline();
        double before = ProgramSpacePolicy.probabilities(start, 0, 0, CPU.get(0))[1];
        List<Datum> batch = new ArrayList<>();
        for (int[] choice : new int[][]{{1, 0}, {1, 1}, {0, 0}, {0, 1}}) {
            List<Integer> choices = List.of(choice[0], choice[1]);
            List<Double> lp = ProgramSpacePolicy.logprobs(start, parent, choices, CPU);
            double a = choice[0] == 1 ? 1.0 : -1.0;
            batch.add(new Datum(parent, choices, lp, List.of(a, a)));
        }
        AdamParams adam = AdamParams.embedded(EmbeddedTrainingBackend.DEFAULT_LEARNING_RATE);
        double previous = before;
        for (int step = 0; step < 5; step++) {
            ForwardBackwardResult fb = session.forwardBackward(batch);
            assertEquals(batch.size(), fb.learnerLogprobs().size());
            session.optimStep(adam);
            PolicyParameters p = session.saveForSampler(step + 1).embeddedPolicy();
            double now = ProgramSpacePolicy.probabilities(p, 0, 0, CPU.get(0))[1];
            assertTrue(now > previous, "step " + step + ": " + now + " <= " + previous);
            previous = now;
        }
        assertTrue(previous > before + 0.1, "p(numpy) " + before + " -> " + previous);
        PolicyCheckpoint saved = session.saveForSampler(5);
        assertEquals("embedded:r1@5", saved.weightsUri());
    }

    /** One-edit form (a new run's): the rewarded edit's new alternative becomes more likely. */
    @Test
    void adamStepsMakeTheRewardedEditMoreLikely() {
        EmbeddedTrainingBackend backend = new EmbeddedTrainingBackend((run, version) -> Optional.empty());
        TrainingSession session = backend.open(new TrainingSpec("r1", TOY, null, 32, null, "cuda", 0), null);
        PolicyParameters start = session.initialCheckpoint().embeddedPolicy();
        assertEquals(EmbeddedTrainingBackend.INITIAL_FORM, start.form());
        Choosable cuda = TOY.programSpace().choosable("cuda");
        List<Integer> parent = TOY.programSpace().baseline();
        double before = ProgramSpacePolicy.editProbabilities(start, 0, 0, cuda.available(0))[1];
        assertEquals(0.5, before, 1e-12, "decision 0's two other alternatives on cuda, equal logits");
        List<Datum> batch = new ArrayList<>();
        for (int[] choice : new int[][]{{1, 0}, {2, 0}, {1, 0}, {0, 1}}) {
            List<Integer> choices = List.of(choice[0], choice[1]);
            double a = choice[0] == 1 ? 1.0 : -1.0;
            batch.add(new Datum(parent, choices, ProgramSpacePolicy.logprobs(start, parent, choices, cuda),
                    List.of(a, a)));
        }
        double previous = before;
        for (int step = 0; step < 5; step++) {
            session.forwardBackward(batch);
            session.optimStep(AdamParams.embedded(EmbeddedTrainingBackend.DEFAULT_LEARNING_RATE));
            PolicyParameters p = session.saveForSampler(step + 1).embeddedPolicy();
            double now = ProgramSpacePolicy.editProbabilities(p, 0, 0, cuda.available(0))[1];
            assertTrue(now > previous, "step " + step + ": " + now + " <= " + previous);
            previous = now;
        }
    }

    /**
     * A session resumed from a checkpoint and its saved training state takes exactly the step the uninterrupted one
     * takes (Adam's moments and step count carried over); from the weights alone it does not.
     */
    @Test
    void aResumedSessionContinuesExactlyWhereTheSavedOneWas() {
        EmbeddedTrainingBackend backend = new EmbeddedTrainingBackend((run, version) -> Optional.empty());
        TrainingSession uninterrupted = backend.open(spec(null), null);
        TrainingSession interrupted = backend.open(spec(null), null);
        PolicyParameters start = uninterrupted.initialCheckpoint().embeddedPolicy();
        List<Integer> parent = TOY.programSpace().baseline();
        List<Datum> batch = new ArrayList<>();
        for (int[] choice : new int[][]{{1, 0}, {0, 1}, {1, 0}}) {
            List<Integer> choices = List.of(choice[0], choice[1]);
            double a = choice[0] == 1 ? 1.0 : -0.5;
            batch.add(new Datum(parent, choices, ProgramSpacePolicy.logprobs(start, parent, choices, CPU),
                    List.of(a, a)));
        }
        AdamParams adam = AdamParams.embedded(EmbeddedTrainingBackend.DEFAULT_LEARNING_RATE);
        for (TrainingSession s : List.of(uninterrupted, interrupted)) {
            s.forwardBackward(batch);
            s.optimStep(adam);
        }
        PolicyCheckpoint saved = interrupted.saveForSampler(1);
        TrainingSession resumed = backend.resume(spec(null), saved, interrupted.saveTrainingState());
        TrainingSession weightsOnly = backend.resume(spec(null), saved, null);
        for (TrainingSession s : List.of(uninterrupted, resumed, weightsOnly)) {
            s.forwardBackward(batch);
            s.optimStep(adam);
        }
        PolicyParameters expected = uninterrupted.saveForSampler(2).embeddedPolicy();
        assertEquals(expected, resumed.saveForSampler(2).embeddedPolicy(), "bit for bit");
        assertEquals(2, resumed.saveForSampler(2).version());
        assertTrue(!expected.equals(weightsOnly.saveForSampler(2).embeddedPolicy()),
                "a fresh optimizer steps differently: the state matters");
    }

    @Test
    void baseLogprobsStayWithTheInitialPolicy() {
        EmbeddedTrainingBackend backend = new EmbeddedTrainingBackend((run, version) -> Optional.empty());
        TrainingSession session = backend.open(spec(null), null);
        Datum d = new Datum(List.of(0, 0), List.of(1, 0), List.of(-1.0, -1.0), List.of(1.0, 1.0));
        List<Double> base = session.baseLogprobs(List.of(d)).get(0);
        session.forwardBackward(List.of(d));
        session.optimStep(AdamParams.paper(0.1));
        assertEquals(base, session.baseLogprobs(List.of(d)).get(0));
        // one edit of the parent (0, 0): decision 0 of the two editable ones (equal keep biases), then its only other
        // alternative on the cpu (the third is cuda-only): p = 1/2
        assertEquals(Math.log(0.5), base.get(0), 1e-12);
        assertEquals(0.0, base.get(1), "left alone: forced");
    }

    @Test
    void warmStartsFromAStoredCheckpointOrAFile(@TempDir Path dir) throws Exception {
        PolicyParameters stored = new PolicyParameters(List.of(List.of(0.1, 0.2, 0.3), List.of(-1.0, 1.0)),
                List.of(0.7, 0.8));
        EmbeddedTrainingBackend backend = new EmbeddedTrainingBackend((run, version) ->
                run.equals("old") && version == 3 ? Optional.of(stored) : Optional.empty());
        assertEquals(stored, backend.open(spec("embedded:old@3"), null).initialCheckpoint().embeddedPolicy());
        Path file = dir.resolve("p.json");
        Files.writeString(file, EventCodec.encode(stored));
        assertEquals(stored, backend.open(spec("file:" + file), null).initialCheckpoint().embeddedPolicy());
        assertThrows(IllegalArgumentException.class, () -> backend.open(spec("embedded:old@4"), null));
        assertThrows(IllegalArgumentException.class, () -> backend.open(spec("tinker://x"), null));
    }
}
