package io.tttdiscover.trainer.algorithm;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AdvantagesTest {

    @Test
    void entropicAdvantagesMatchHandComputedValues() {
        // r = (0, 1, 2), beta = 1: e = (e^-2, e^-1, 1); Z_i = leave-one-out mean; A_i = e_i / Z_i - 1
        double e0 = Math.exp(-2);
        double e1 = Math.exp(-1);
        double e2 = 1.0;
        double[] expected = {
                e0 / ((e1 + e2) / 2) - 1,
                e1 / ((e0 + e2) / 2) - 1,
                e2 / ((e0 + e1) / 2) - 1};
        double[] a = Advantages.entropic(new double[]{0, 1, 2}, 1.0);
        assertArrayEquals(expected, a, 1e-9);
        assertArrayEquals(new double[]{-0.8021239603973949, -0.3519457263372562, 2.974446499642284}, a, 1e-9);
    }

    @Test
    void fixedBetaVariantUsesBetaTwo() {
        GroupAdvantages g = Advantages.entropicFixed(new double[]{0, 1, 2});
        assertEquals(2.0, g.beta());
        assertArrayEquals(new double[]{-0.9677352775710666, -0.7341977711664422, 12.01651804173611},
                g.advantages(), 1e-9);
    }

    @Test
    void meanBaselineSubtractsTheMean() {
        GroupAdvantages g = Advantages.meanBaseline(new double[]{1, 2, 6});
        assertArrayEquals(new double[]{-2, -1, 3}, g.advantages(), 1e-12);
        assertEquals(0.0, g.beta());
    }

    @Test
    void adaptiveBetaHitsKlOfLnTwo() {
        double[] r = {0.1, 0.4, 0.35, 0.9, 0.0};
        double beta = Advantages.adaptiveBeta(r);
        // KL(q || uniform) computed independently of the implementation
        double max = 0.9;
        double z = 0;
        for (double x : r) {
            z += Math.exp(beta * (x - max));
        }
        double kl = 0;
        for (double x : r) {
            double q = Math.exp(beta * (x - max)) / z;
            kl += q * Math.log(q * r.length);
        }
        assertEquals(Math.log(2), kl, 1e-9);
        assertEquals(Math.log(2), Advantages.klToUniform(r, beta), 1e-9);
        assertTrue(beta > 1.0);
    }

    @Test
    void twoRewardsPushBetaUntilTheLoserVanishes() {
        // K = 2: KL(q || uniform) < ln 2 for every finite beta in exact arithmetic; in doubles it rounds to ln 2
        // once the loser's weight underflows relative to 1, so bisection settles there (as the reference does).
        double beta = Advantages.adaptiveBeta(new double[]{0.0, 1.0});
        assertTrue(beta > 30, "beta " + beta);
        assertEquals(Math.log(2), Advantages.klToUniform(new double[]{0.0, 1.0}, beta), 1e-15);
        GroupAdvantages g = Advantages.entropicAdaptive(new double[]{0.0, 1.0});
        assertEquals(-1.0, g.advantages()[0], 1e-9);
        assertTrue(g.advantages()[1] > 1e10);
    }

    @Test
    void fewerThanTwoRewardsGiveBetaZeroAndNoAdvantage() {
        GroupAdvantages g = Advantages.entropicAdaptive(new double[]{3.0});
        assertEquals(0.0, g.beta());
        assertArrayEquals(new double[]{0.0}, g.advantages());
    }

    @Test
    void adaptiveAdvantagesAreShiftAndScaleInvariant() {
        double[] r = {0.2, 0.5, 0.1, 0.8, 0.3, 0.3};
        double[] moved = new double[r.length];
        for (int i = 0; i < r.length; i++) {
            moved[i] = 7.0 * r[i] + 13.0;
        }
        GroupAdvantages a = Advantages.entropicAdaptive(r);
        GroupAdvantages b = Advantages.entropicAdaptive(moved);
        assertArrayEquals(a.advantages(), b.advantages(), 1e-6);
        assertEquals(a.beta() / 7.0, b.beta(), 1e-6 * a.beta());
    }

    @Test
    void constantGroupHasZeroAdvantages() {
        assertArrayEquals(new double[]{0, 0, 0}, Advantages.entropicAdaptive(new double[]{2, 2, 2}).advantages(),
                1e-9);
    }

    @Test
    void estimatorsAreChosenByName() {
        assertEquals(AdvantageEstimator.ENTROPIC_ADAPTIVE, AdvantageEstimator.byName("entropic-adaptive"));
        assertEquals(AdvantageEstimator.MEAN, AdvantageEstimator.byName("mean"));
        assertArrayEquals(new double[]{-1, 1}, AdvantageEstimator.MEAN.compute(new double[]{0, 2}).advantages());
    }
}
