package io.tttdiscover.protocol.policy;

import io.tttdiscover.protocol.event.PolicyParameters;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PolicyComparisonTest {
    private static final List<boolean[]> BOTH = List.<boolean[]>of(new boolean[]{true, true});
    /** Uniform over two alternatives, no keep bias. */
    private static final PolicyParameters UNIFORM = new PolicyParameters(List.of(List.of(0.0, 0.0)), List.of(0.0));
    /** 3:1 for the first alternative. */
    private static final PolicyParameters SKEWED = new PolicyParameters(List.of(List.of(Math.log(3), 0.0)),
            List.of(0.0));
    /** Two samples drawn by the uniform policy from no parent: the first alternative earned 1, the second 0. */
    private static final List<PolicyComparison.Sample> MEASURED = List.of(
            new PolicyComparison.Sample(List.of(-1), List.of(0), List.of(Math.log(0.5)), 1.0),
            new PolicyComparison.Sample(List.of(-1), List.of(1), List.of(Math.log(0.5)), 0.0));

    @Test
    void samePoliciesAreZeroApartAndEarnWhatWasMeasured() {
        PolicyComparison.Result r = PolicyComparison.compare(UNIFORM, UNIFORM, MEASURED, BOTH);
        assertEquals(0.0, r.l2Distance());
        assertEquals(0.0, r.maxAbsDifference());
        assertEquals(0.0, r.meanKl());
        assertEquals(0.5, r.expectedRewardA(), 1e-12);
        assertEquals(0.5, r.expectedRewardB(), 1e-12);
        assertEquals(2.0, r.effectiveSamplesA(), 1e-12);
        assertEquals(2, r.samples());
    }

    @Test
    void handComputedDistanceKlAndExpectedRewards() {
        PolicyComparison.Result r = PolicyComparison.compare(UNIFORM, SKEWED, MEASURED, BOTH);
        assertEquals(Math.log(3), r.l2Distance(), 1e-12);
        assertEquals(Math.log(3), r.maxAbsDifference(), 1e-12);
        // KL([1/2, 1/2] || [3/4, 1/4]) = 1/2 ln(2/3) + 1/2 ln 2 = 1/2 ln(4/3)
        assertEquals(0.5 * Math.log(4.0 / 3.0), r.meanKl(), 1e-12);
        assertEquals(0.5, r.expectedRewardA(), 1e-12);
        // weights 0.75/0.5 = 1.5 and 0.25/0.5 = 0.5: (1.5 * 1 + 0.5 * 0) / 2
        assertEquals(0.75, r.expectedRewardB(), 1e-12);
        // (1.5 + 0.5)^2 / (1.5^2 + 0.5^2)
        assertEquals(1.6, r.effectiveSamplesB(), 1e-12);
    }

    @Test
    void policiesOfOtherShapesAreNotCompared() {
        PolicyParameters three = new PolicyParameters(List.of(List.of(0.0, 0.0, 0.0)), List.of(0.0));
        assertThrows(IllegalArgumentException.class, () -> PolicyComparison.compare(UNIFORM, three, MEASURED, BOTH));
    }
}
