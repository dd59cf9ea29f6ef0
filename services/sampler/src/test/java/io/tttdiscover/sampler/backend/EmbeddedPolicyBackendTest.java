package io.tttdiscover.sampler.backend;

import io.tttdiscover.protocol.event.CheckpointEvent;
import io.tttdiscover.protocol.event.Event;
import io.tttdiscover.protocol.event.MalformedEventException;
import io.tttdiscover.protocol.event.ParentState;
import io.tttdiscover.protocol.event.PolicyParameters;
import io.tttdiscover.protocol.event.PromptEvent;
import io.tttdiscover.protocol.pack.ProblemPack;
import io.tttdiscover.protocol.pack.ProblemPacks;
import io.tttdiscover.protocol.pack.ProgramSpace;
import io.tttdiscover.protocol.policy.ProgramSpacePolicy;
import io.tttdiscover.protocol.spi.BackendUnavailableException;
import io.tttdiscover.protocol.spi.Sample;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EmbeddedPolicyBackendTest {
    private static final ProblemPacks PACKS = new ProblemPacks(Path.of("src/test/resources/problems"));
    private static final ProblemPack TOY = PACKS.get("toy");
    private static final PolicyParameters PARAMS =
            new PolicyParameters(List.of(List.of(0.0, 1.0, -1.0), List.of(0.5, 0.0)), List.of(0.7, 0.3));

    @Test
    void samplingFrequenciesMatchThePolicyProbabilities() {
        EmbeddedPolicyBackend backend = loaded(3, PARAMS);
        int n = 20_000;
        List<Integer> parent = List.of(2, 0);
        List<Sample> samples = backend.sample(prompt("p-freq", n, parent, "cuda", 3), TOY);

        List<boolean[]> available = TOY.programSpace().available("cuda");
        for (int d = 0; d < 2; d++) {
            double[] expected = ProgramSpacePolicy.probabilities(PARAMS, d, parent.get(d), available.get(d));
            int[] counts = new int[expected.length];
            for (Sample s : samples) {
                counts[s.trace().completionTokens().get(d)]++;
            }
            for (int a = 0; a < expected.length; a++) {
                assertEquals(expected[a], counts[a] / (double) n, 0.015, "decision " + d + " alternative " + a);
            }
        }
    }

    @Test
    void maskingKeepsCudaOnlyAlternativesOffTheCpu() {
        EmbeddedPolicyBackend backend = loaded(0, PARAMS);
        // A parent that chose the CUDA-only alternative: its keep bias must not leak onto the CPU.
        for (Sample s : backend.sample(prompt("p-mask", 2_000, List.of(0, 1), "cpu", 0), TOY)) {
            assertEquals(0, s.trace().completionTokens().get(1));
            assertEquals(0.0, s.trace().completionLogprobs().get(1), 1e-12);
        }
        long onGpu = backend.sample(prompt("p-mask", 2_000, List.of(0, 1), "cuda", 0), TOY).stream()
                .filter(s -> s.trace().completionTokens().get(1) == 1).count();
        assertTrue(onGpu > 0, "on cuda the GPU alternative is available");
    }

    @Test
    void sampleRendersItsChoicesWithConsistentLogprobs() {
        EmbeddedPolicyBackend backend = loaded(5, PARAMS);
        ProgramSpace space = TOY.programSpace();
        List<Integer> parent = List.of(1, 0);
        for (Sample s : backend.sample(prompt("p-render", 50, parent, "cuda", 5), TOY)) {
            List<Integer> choices = s.trace().completionTokens();
            assertEquals(space.render(choices), s.program());
            assertEquals(parent, s.trace().promptTokens());
            assertEquals(5, s.policyVersion());
            List<Double> expected = ProgramSpacePolicy.logprobs(PARAMS, parent, choices, space.available("cuda"));
            for (int d = 0; d < choices.size(); d++) {
                assertEquals(expected.get(d), s.trace().completionLogprobs().get(d), 1e-12);
            }
        }
    }

    @Test
    void noParentMeansNoParentTokenPerDecision() {
        EmbeddedPolicyBackend backend = loaded(0, PARAMS);
        Sample s = backend.sample(prompt("p-root", 1, null, "cpu", 0), TOY).get(0);
        assertEquals(List.of(ProgramSpacePolicy.NO_PARENT, ProgramSpacePolicy.NO_PARENT), s.trace().promptTokens());
    }

    @Test
    void aRedeliveredPromptYieldsTheSameSamples() {
        EmbeddedPolicyBackend backend = loaded(0, PARAMS);
        PromptEvent p = prompt("p-same", 16, List.of(0, 0), "cuda", 0);
        assertEquals(tokens(backend.sample(p, TOY)), tokens(backend.sample(p, TOY)));
        assertTrue(!tokens(backend.sample(p, TOY)).equals(tokens(backend.sample(prompt("p-other", 16, List.of(0, 0),
                "cuda", 0), TOY))), "another prompt id draws other samples");
    }

    @Test
    void olderCheckpointsDoNotReplaceNewerOnes() {
        EmbeddedPolicyBackend backend = loaded(4, PARAMS);
        backend.onCheckpoint(checkpoint(2, ProgramSpacePolicy.initial(List.of(3, 2), 0.0)));
        assertEquals(4, backend.loadedVersion("run-1"));
        backend.onCheckpoint(checkpoint(6, PARAMS));
        assertEquals(6, backend.loadedVersion("run-1"));
        assertEquals(-1, backend.loadedVersion("another-run"));
    }

    @Test
    void aCheckpointThatDoesNotFitIsRefusedAndTheRunKeepsItsPolicy() {
        EmbeddedPolicyBackend backend = loaded(1, PARAMS);
        // Naming no problem: it must have the shape of the policy the run holds.
        MalformedEventException unlike = assertThrows(MalformedEventException.class,
                () -> backend.onCheckpoint(checkpoint(2, ProgramSpacePolicy.initial(List.of(3, 3), 0.0))));
        assertTrue(unlike.getMessage().contains("checkpoint run-1@2 not used"), unlike.getMessage());
        // Naming its problem: the shape of the pack's program space.
        CheckpointEvent c = checkpoint(3, ProgramSpacePolicy.initial(List.of(3), 0.0));
        CheckpointEvent named = new CheckpointEvent(c.schemaVersion(), c.runId(), c.step(), c.policyVersion(),
                c.backend(), c.weightsUri(), c.embeddedPolicy(), c.metrics(), c.createdAtMs(), "toy");
        MalformedEventException misfit = assertThrows(MalformedEventException.class, () -> backend.onCheckpoint(named));
        assertTrue(misfit.getMessage().contains("program space of toy"), misfit.getMessage());
        assertThrows(MalformedEventException.class, () -> backend.onCheckpoint(checkpoint(4,
                new PolicyParameters(List.of(List.of(0.0, Double.NaN, 0.0), List.of(0.0, 0.0)), List.of(0.0, 0.0)))));
        assertEquals(1, backend.loadedVersion("run-1"));

        EmbeddedPolicyBackend fresh = new EmbeddedPolicyBackend(PACKS);
        assertThrows(MalformedEventException.class, () -> fresh.onCheckpoint(named));
        assertEquals(-1, fresh.loadedVersion("run-1"));
    }

    @Test
    void aRunWithoutPolicyIsUnavailable() {
        assertThrows(BackendUnavailableException.class,
                () -> new EmbeddedPolicyBackend(PACKS).sample(prompt("p", 1, null, "cpu", 0), TOY));
    }

    private static List<List<Integer>> tokens(List<Sample> samples) {
        return samples.stream().map(s -> s.trace().completionTokens()).toList();
    }

    private static EmbeddedPolicyBackend loaded(long version, PolicyParameters params) {
        EmbeddedPolicyBackend backend = new EmbeddedPolicyBackend(PACKS);
        backend.onCheckpoint(checkpoint(version, params));
        return backend;
    }

    static CheckpointEvent checkpoint(long version, PolicyParameters params) {
        return new CheckpointEvent(Event.CURRENT_SCHEMA, "run-1", (int) version, version, "embedded", null, params,
                null, System.currentTimeMillis());
    }

    static PromptEvent prompt(String id, int samples, List<Integer> parentChoices, String target, long version) {
        ParentState parent = parentChoices == null ? null : new ParentState("s-" + id, "code", parentChoices, 100.0);
        return new PromptEvent(Event.CURRENT_SCHEMA, id, "run-1", 1, 0, "toy", parent, "prompt", samples, version,
                target, null, System.currentTimeMillis());
    }
}
