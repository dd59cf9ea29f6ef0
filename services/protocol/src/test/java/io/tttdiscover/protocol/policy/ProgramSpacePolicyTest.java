package io.tttdiscover.protocol.policy;

import io.tttdiscover.protocol.event.PolicyParameters;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ProgramSpacePolicyTest {
    private static final List<boolean[]> ALL = List.of(new boolean[]{true, true, true}, new boolean[]{true, true});

    @Test
    void parametersMustHaveExactlyTheProgramSpacesShapeAndFiniteValues() {
        ProgramSpacePolicy.requireShape(ProgramSpacePolicy.initial(List.of(3, 2), 1.0), List.of(3, 2));
        IllegalArgumentException rows = assertThrows(IllegalArgumentException.class,
                () -> ProgramSpacePolicy.requireShape(ProgramSpacePolicy.initial(List.of(3), 1.0), List.of(3, 2)));
        assertEquals("policy has 1 decisions, expected 2", rows.getMessage());
        IllegalArgumentException width = assertThrows(IllegalArgumentException.class,
                () -> ProgramSpacePolicy.requireShape(ProgramSpacePolicy.initial(List.of(3, 3), 1.0), List.of(3, 2)));
        assertEquals("policy decision 1 has 3 logits, expected 2 alternatives", width.getMessage());
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class, () -> ProgramSpacePolicy
                .requireWellFormed(new PolicyParameters(List.of(List.of(0.0, Double.NaN)), List.of(1.0))));
        assertEquals("policy logit [0][1] is NaN, not a finite number", nan.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ProgramSpacePolicy.requireWellFormed(
                new PolicyParameters(List.of(List.of(0.0)), List.of(Double.POSITIVE_INFINITY))));
        assertThrows(IllegalArgumentException.class, () -> ProgramSpacePolicy.requireWellFormed(
                new PolicyParameters(List.of(List.of(0.0)), List.of(1.0, 1.0))));
        assertThrows(IllegalArgumentException.class, () -> ProgramSpacePolicy.requireWellFormed(
                new PolicyParameters(List.of(List.of()), List.of(1.0))));
        assertEquals(List.of(3, 2), ProgramSpacePolicy.shape(ProgramSpacePolicy.initial(List.of(3, 2), 0.0)));
    }

    @Test
    void initialPolicyIsUniformWithoutAParent() {
        PolicyParameters p = ProgramSpacePolicy.initial(List.of(3, 2), 1.0);
        double[] probs = ProgramSpacePolicy.probabilities(p, 0, ProgramSpacePolicy.NO_PARENT, ALL.get(0));
        for (double q : probs) {
            assertEquals(1.0 / 3, q, 1e-12);
        }
    }

    @Test
    void keepBiasFavoursTheParentsChoice() {
        PolicyParameters p = ProgramSpacePolicy.initial(List.of(3, 2), 1.0);
        double[] probs = ProgramSpacePolicy.probabilities(p, 0, 2, ALL.get(0));
        // logits (0, 0, 1): e / (2 + e) for the kept alternative.
        assertEquals(Math.E / (2 + Math.E), probs[2], 1e-12);
        assertEquals(1 / (2 + Math.E), probs[0], 1e-12);
    }

    @Test
    void unavailableAlternativesGetNoMass() {
        PolicyParameters p = new PolicyParameters(List.of(List.of(5.0, 0.0, 0.0)), List.of(0.0));
        double[] probs = ProgramSpacePolicy.probabilities(p, 0, -1, new boolean[]{false, true, true});
        assertEquals(0.0, probs[0]);
        assertEquals(0.5, probs[1], 1e-12);
        assertThrows(IllegalArgumentException.class,
                () -> ProgramSpacePolicy.probabilities(p, 0, -1, new boolean[]{false, false, false}));
    }

    @Test
    void samplesFollowTheDistributionAndReportTheirLogprobs() {
        PolicyParameters p = new PolicyParameters(List.of(List.of(0.0, Math.log(3), 0.0), List.of(0.0, 0.0)),
                List.of(0.0, 0.0));
        Random rng = new Random(7);
        int[] counts = new int[3];
        int draws = 20000;
        List<Integer> parent = List.of(-1, -1);
        for (int i = 0; i < draws; i++) {
            ProgramSpacePolicy.Choices c = ProgramSpacePolicy.sample(p, parent, ALL, rng);
            counts[c.choices().get(0)]++;
            assertEquals(ProgramSpacePolicy.logprobs(p, parent, c.choices(), ALL), c.logprobs());
        }
        // Probabilities 0.2, 0.6, 0.2: within 4 standard deviations.
        assertEquals(0.6, counts[1] / (double) draws, 4 * Math.sqrt(0.24 / draws));
        assertEquals(0.2, counts[0] / (double) draws, 4 * Math.sqrt(0.16 / draws));
    }

    @Test
    void entropyOfUniformIsLogOfSize() {
        PolicyParameters p = ProgramSpacePolicy.initial(List.of(3, 2), 0.0);
        double expected = (Math.log(3) + Math.log(2)) / 2;
        assertEquals(expected, ProgramSpacePolicy.entropy(p, List.of(-1, -1), ALL), 1e-12);
    }
}
