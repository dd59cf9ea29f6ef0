package io.tttdiscover.trainer.algorithm;

import io.tttdiscover.protocol.event.TokenTrace;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class KlShapingTest {

    @Test
    void forcedPrefillGetsNoAdvantage() {
        TrainingExample ex = TrainingData.fromTrace(new TokenTrace(List.of(5, 6), List.of(1, 2, 3),
                List.of(-0.5, 0.0, -0.2), List.of(1, 0, 1)), 2.5);
        assertEquals(List.of(2.5, 0.0, 2.5), ex.datum().advantages());
        assertEquals(List.of(5, 6), ex.datum().promptTokens());
        assertFalse(ex.sampled()[1]);
    }

    @Test
    void shapingMovesAdvantagesTowardsTheBatchMeanDrift() {
        // d over sampled tokens: ex1: -1 - (-2) = 1, -1 - (-1) = 0; ex2: -0.5 - (-3) = 2.5 (its 2nd token is forced)
        // mean d = (1 + 0 + 2.5) / 3 = 7/6; lambda = 0.1: A_t += 0.1 * (7/6 - d_t)
        TrainingExample ex1 = TrainingData.fromTrace(new TokenTrace(List.of(), List.of(1, 2),
                List.of(-1.0, -1.0), null), 1.0);
        TrainingExample ex2 = TrainingData.fromTrace(new TokenTrace(List.of(), List.of(3, 4),
                List.of(-0.5, 0.0), List.of(1, 0)), -0.5);
        KlShaping.Shaped s = KlShaping.apply(List.of(ex1, ex2),
                List.of(List.of(-2.0, -1.0), List.of(-3.0, -9.0)), 0.1);
        double mean = 7.0 / 6.0;
        assertEquals(mean, s.klPolicyBase(), 1e-12);
        List<Double> a1 = s.examples().get(0).datum().advantages();
        List<Double> a2 = s.examples().get(1).datum().advantages();
        assertEquals(1.0 + 0.1 * (mean - 1.0), a1.get(0), 1e-12);
        assertEquals(1.0 + 0.1 * (mean - 0.0), a1.get(1), 1e-12);
        assertEquals(-0.5 + 0.1 * (mean - 2.5), a2.get(0), 1e-12);
        assertEquals(0.0, a2.get(1), 1e-12);
    }

    @Test
    void zeroCoefficientOnlyMeasures() {
        TrainingExample ex = TrainingData.fromTrace(new TokenTrace(List.of(), List.of(1),
                List.of(-1.0), null), 0.7);
        KlShaping.Shaped s = KlShaping.apply(List.of(ex), List.of(List.of(-1.5)), 0.0);
        assertEquals(0.5, s.klPolicyBase(), 1e-12);
        assertEquals(Arrays.asList(0.7), s.examples().get(0).datum().advantages());
    }
}
