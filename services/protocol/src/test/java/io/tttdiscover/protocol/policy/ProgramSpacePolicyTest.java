package io.tttdiscover.protocol.policy;

import io.tttdiscover.protocol.event.PolicyParameters;
import io.tttdiscover.protocol.pack.Choosable;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    /** d0: 3 alternatives; d1: 2; d2: 3, active only while d0 holds alternative 2. */
    private static final Choosable CONDITIONAL = new Choosable(List.of(new boolean[]{true, true, true},
            new boolean[]{true, true}, new boolean[]{true, true, true}),
            java.util.Arrays.asList(null, null, new Choosable.Condition(0, new boolean[]{false, false, true})));

    private static PolicyParameters oneEdit() {
        return new PolicyParameters(List.of(List.of(0.0, Math.log(3), 0.0), List.of(0.0, 0.0),
                List.of(0.0, 0.0, 0.0)), List.of(2.0, 2.0, 2.0), PolicyParameters.ONE_EDIT);
    }

    @Test
    void aOneEditChildIsItsParentWithOneActiveDecisionChanged() {
        PolicyParameters p = oneEdit();
        List<Integer> parent = List.of(0, 0, 1);
        Random rng = new Random(11);
        int draws = 20000;
        int[] edited = new int[3];
        int[] d0 = new int[3];
        for (int i = 0; i < draws; i++) {
            ProgramSpacePolicy.Choices c = ProgramSpacePolicy.sample(p, parent, CONDITIONAL, rng);
            int changed = 0;
            for (int d = 0; d < 3; d++) {
                if (!c.choices().get(d).equals(parent.get(d))) {
                    changed++;
                    edited[d]++;
                    assertTrue(c.drawn().get(d));
                } else {
                    assertFalse(c.drawn().get(d), "a decision left alone is forced");
                    assertEquals(0.0, c.logprobs().get(d));
                }
            }
            assertEquals(1, changed, "one edit: " + c.choices());
            assertEquals(ProgramSpacePolicy.logprobs(p, parent, c.choices(), CONDITIONAL), c.logprobs());
            d0[c.choices().get(0)]++;
        }
        assertEquals(0, edited[2], "d2 is inactive while d0 holds 0: never edited");
        // the edits (d0, 1), (d0, 2), (d1, 1) weigh e^(ln 3), e^0, e^0 (equal keep biases): 3/5, 1/5, 1/5
        assertEquals(0.8, edited[0] / (double) draws, 4 * Math.sqrt(0.16 / draws));
        assertEquals(0.75, d0[1] / (double) edited[0], 4 * Math.sqrt(0.1875 / edited[0]));
        assertEquals(Math.log(0.6), ProgramSpacePolicy.logprobs(p, parent, List.of(1, 0, 1), CONDITIONAL).get(0),
                1e-12);
        // a decision kept more is edited less: keep biases (2, 2 + ln 4) weigh d0's edits 4 : d1's 1/4
        PolicyParameters keepD1 = new PolicyParameters(p.logits(), List.of(2.0, 2.0 + Math.log(4), 2.0), p.form());
        double[] which = ProgramSpacePolicy.editDecisionProbabilities(keepD1, parent, CONDITIONAL);
        assertEquals(16.0 / 17, which[0], 1e-12);
        assertEquals(1.0 / 17, which[1], 1e-12);
        assertEquals(0.0, which[2]);
    }

    @Test
    void aRelativeEditIsRatedAgainstTheChoiceItReplaces() {
        // decision 0 rates its alternatives ln 2, ln 3, 0; from parent (0, 0, 1) the edits (d0, 1), (d0, 2), (d1, 1)
        // weigh 3/2, 1/2, 1 (equal keep biases): 1/2, 1/6, 1/3; the one-edit form weighs them 3, 1, 1
        List<List<Double>> logits = List.of(List.of(Math.log(2), Math.log(3), 0.0), List.of(0.0, 0.0),
                List.of(0.0, 0.0, 0.0));
        PolicyParameters relative = new PolicyParameters(logits, List.of(2.0, 2.0, 2.0),
                PolicyParameters.RELATIVE_EDIT);
        List<Integer> parent = List.of(0, 0, 1);
        assertEquals(Math.log(0.5), ProgramSpacePolicy.logprobs(relative, parent, List.of(1, 0, 1), CONDITIONAL)
                .get(0), 1e-12);
        assertEquals(Math.log(1.0 / 6), ProgramSpacePolicy.logprobs(relative, parent, List.of(2, 0, 1), CONDITIONAL)
                .get(0), 1e-12);
        assertEquals(Math.log(1.0 / 3), ProgramSpacePolicy.logprobs(relative, parent, List.of(0, 1, 1), CONDITIONAL)
                .get(1), 1e-12);
        PolicyParameters oneEdit = new PolicyParameters(logits, relative.keepBias(), PolicyParameters.ONE_EDIT);
        assertEquals(Math.log(0.6), ProgramSpacePolicy.logprobs(oneEdit, parent, List.of(1, 0, 1), CONDITIONAL)
                .get(0), 1e-12);
        // from a parent holding decision 0's best alternative, editing decision 0 is unlikely: (d0, 0) and (d0, 2)
        // weigh 2/3 and 1/3 against (d1, 1)'s 1
        double[] which = ProgramSpacePolicy.editDecisionProbabilities(relative, List.of(1, 0, 1), CONDITIONAL);
        assertEquals(0.5, which[0], 1e-12);
        assertEquals(0.5, which[1], 1e-12);
        assertTrue(relative.oneEdit() && relative.relative() && !oneEdit.relative());
    }

    @Test
    void aGroupOfEditsHoldsDistinctChangesFirstThoseNotEvaluatedYet() {
        PolicyParameters p = oneEdit();
        List<Integer> parent = List.of(0, 0, 1);
        List<List<Integer>> edits = List.of(List.of(1, 0, 1), List.of(2, 0, 1), List.of(0, 1, 1));
        List<ProgramSpacePolicy.Choices> three = ProgramSpacePolicy.drawEdits(p, parent, CONDITIONAL, 3, null,
                new Random(1));
        assertEquals(java.util.Set.copyOf(edits), three.stream().map(ProgramSpacePolicy.Choices::choices)
                .collect(java.util.stream.Collectors.toSet()), "the parent's three edits, each once");
        for (ProgramSpacePolicy.Choices c : three) {
            assertEquals(ProgramSpacePolicy.logprobs(p, parent, c.choices(), CONDITIONAL), c.logprobs());
            assertEquals(1, c.drawn().stream().filter(b -> b).count());
        }
        List<ProgramSpacePolicy.Choices> five = ProgramSpacePolicy.drawEdits(p, parent, CONDITIONAL, 5, null,
                new Random(1));
        assertEquals(three, five.subList(0, 3), "the same seed draws the same group");
        assertEquals(five.subList(0, 2), five.subList(3, 5), "more children than edits: the list again");
        java.util.Set<List<Integer>> evaluated = java.util.Set.of(List.of(1, 0, 1), List.of(0, 1, 1));
        for (int seed = 0; seed < 20; seed++) {
            List<ProgramSpacePolicy.Choices> g = ProgramSpacePolicy.drawEdits(p, parent, CONDITIONAL, 3, evaluated,
                    new Random(seed));
            assertEquals(List.of(2, 0, 1), g.get(0).choices(), "the one edit not evaluated yet comes first");
            assertTrue(evaluated.contains(g.get(1).choices()) && evaluated.contains(g.get(2).choices()));
        }
        // the first child is an exact draw from the edit distribution: 3/5, 1/5, 1/5
        int draws = 20000;
        int first = 0;
        Random rng = new Random(17);
        for (int i = 0; i < draws; i++) {
            if (ProgramSpacePolicy.drawEdits(p, parent, CONDITIONAL, 1, null, rng).get(0).choices()
                    .equals(List.of(1, 0, 1))) {
                first++;
            }
        }
        assertEquals(0.6, first / (double) draws, 4 * Math.sqrt(0.24 / draws));
        assertThrows(IllegalArgumentException.class, () -> ProgramSpacePolicy.drawEdits(
                ProgramSpacePolicy.initial(List.of(3, 2, 3), 0.0), parent, CONDITIONAL, 2, null, new Random(1)));
    }

    @Test
    void editsToAnAlternativeNewNearTheParentComeFirstThenTheOthersThenEvaluatedPrograms() {
        // 3 + NEAR + 1 two-way decisions, parent all 0; the policy wants (d0, 1) above everything (e^30 : 1)
        int n = 3 + ProgramSpacePolicy.NEAR + 1;
        Choosable choosable = Choosable.of(java.util.Collections.nCopies(n, new boolean[]{true, true}));
        List<List<Double>> logits = new java.util.ArrayList<>(java.util.Collections.nCopies(n - 1, List.of(0.0, 0.0)));
        logits.add(0, List.of(0.0, 30.0));
        PolicyParameters p = new PolicyParameters(logits, java.util.Collections.nCopies(n, 2.0),
                PolicyParameters.RELATIVE_EDIT);
        List<Integer> parent = java.util.Collections.nCopies(n, 0);
        List<Integer> near = new java.util.ArrayList<>(parent); // 3 decisions away: d0..d2 = 1 were tried near it
        List<Integer> far = new java.util.ArrayList<>(parent);  // NEAR + 1 away: too far to count for d3..
        for (int d = 0; d < n; d++) {
            (d < 3 ? near : far).set(d, 1);
        }
        java.util.Set<List<Integer>> evaluated = java.util.Set.of(near, far, edit(n, 1)); // and the edit (d1, 1)
        boolean[][] untried = ProgramSpacePolicy.untriedNear(parent, choosable, evaluated);
        for (int d = 0; d < n; d++) {
            assertEquals(d >= 3, untried[d][1], "decision " + d);
        }
        java.util.Set<List<Integer>> fresh = new java.util.HashSet<>();
        for (int d = 3; d < n; d++) {
            fresh.add(edit(n, d));
        }
        for (int seed = 0; seed < 20; seed++) {
            List<List<Integer>> group = ProgramSpacePolicy.drawEdits(p, parent, choosable, n, evaluated,
                    new Random(seed)).stream().map(ProgramSpacePolicy.Choices::choices).toList();
            assertEquals(fresh, java.util.Set.copyOf(group.subList(0, n - 3)),
                    "the alternatives new near the parent first, whatever the policy thinks of them");
            assertEquals(List.of(edit(n, 0), edit(n, 2), edit(n, 1)), group.subList(n - 3, n),
                    "then the others in draw order ((d0, 1) is the policy's favourite), the evaluated program last");
        }
        // a dead slot neither counts as a difference nor as a tried alternative: decision 2 of CONDITIONAL is active
        // only while decision 0 holds 2
        boolean[][] dead = ProgramSpacePolicy.untriedNear(List.of(0, 0, 1), CONDITIONAL,
                List.of(List.of(0, 1, 2), List.of(2, 0, 0)));
        assertFalse(dead[1][1], "(0, 1, 2) is one decision away: its d2 is dead in both");
        assertTrue(dead[2][2], "but its d2 = 2 was dead, so never tried");
        assertFalse(dead[0][2]);
        assertFalse(dead[2][0], "(2, 0, 0) has d2 = 0 alive, two decisions away");
    }

    private static List<Integer> edit(int decisions, int d) {
        List<Integer> child = new java.util.ArrayList<>(java.util.Collections.nCopies(decisions, 0));
        child.set(d, 1);
        return child;
    }

    @Test
    void aOneEditPolicyCannotHaveDrawnTwoEditsOrAnInactiveOne() {
        PolicyParameters p = oneEdit();
        IllegalArgumentException two = assertThrows(IllegalArgumentException.class,
                () -> ProgramSpacePolicy.logprobs(p, List.of(0, 0, 1), List.of(1, 1, 1), CONDITIONAL));
        assertTrue(two.getMessage().contains("a one-edit policy cannot draw these choices"), two.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> ProgramSpacePolicy.logprobs(p, List.of(0, 0, 1), List.of(0, 0, 2), CONDITIONAL));
    }

    @Test
    void perDecisionDrawsForceInactiveDecisionsToTheParentsChoice() {
        PolicyParameters p = ProgramSpacePolicy.initial(List.of(3, 2, 3), 0.0);
        List<Integer> parent = List.of(0, 0, 1);
        Random rng = new Random(5);
        int active = 0;
        for (int i = 0; i < 2000; i++) {
            ProgramSpacePolicy.Choices c = ProgramSpacePolicy.sample(p, parent, CONDITIONAL, rng);
            assertEquals(ProgramSpacePolicy.logprobs(p, parent, c.choices(), CONDITIONAL), c.logprobs());
            if (c.choices().get(0) == 2) {
                active++;
                assertTrue(c.drawn().get(2));
                assertEquals(Math.log(1.0 / 3), c.logprobs().get(2), 1e-12);
            } else {
                assertEquals(1, c.choices().get(2), "inactive: kept");
                assertFalse(c.drawn().get(2));
                assertEquals(0.0, c.logprobs().get(2));
                assertEquals(List.of(1, 1, 0), c.mask());
            }
        }
        assertTrue(active > 500 && active < 830, "d0 = 2 about a third of the time: " + active);
    }

    @Test
    void aParentWithoutChoicesIsDrawnWholeUnderEitherForm() {
        List<Integer> none = List.of(-1, -1, -1);
        ProgramSpacePolicy.Choices c = ProgramSpacePolicy.sample(oneEdit(), none, CONDITIONAL, new Random(3));
        assertEquals(c.choices().get(0) == 2, c.drawn().get(2));
        assertTrue(c.drawn().get(0) && c.drawn().get(1));
        assertEquals(ProgramSpacePolicy.logprobs(oneEdit(), none, c.choices(), CONDITIONAL), c.logprobs());
        ProgramSpacePolicy.Choices all = ProgramSpacePolicy.sample(oneEdit(), none,
                Choosable.of(CONDITIONAL.available()), new Random(3));
        assertNull(all.mask(), "every choice drawn: no mask");
    }
}
