package io.tttdiscover.trainer.algorithm;

import io.tttdiscover.protocol.spi.Datum;

import java.util.List;

/**
 * One rollout as training data: the backend's {@link Datum} plus which completion tokens were sampled (forced
 * prefill tokens are not, and neither carry an advantage nor take part in KL shaping).
 */
public record TrainingExample(Datum datum, boolean[] sampled) {

    public TrainingExample {
        if (sampled.length != datum.completionTokens().size()) {
            throw new IllegalArgumentException("sampled mask and completion differ in length");
        }
    }

    /** A value of token t of example i. */
    @FunctionalInterface
    public interface TokenValue {
        double of(int example, int token);
    }

    /** The mean of a per-token value over the sampled completion tokens of a batch (0 when there are none). */
    public static double meanOverSampled(List<TrainingExample> examples, TokenValue value) {
        double sum = 0;
        int n = 0;
        for (int i = 0; i < examples.size(); i++) {
            boolean[] sampled = examples.get(i).sampled();
            for (int t = 0; t < sampled.length; t++) {
                if (sampled[t]) {
                    sum += value.of(i, t);
                    n++;
                }
            }
        }
        return n == 0 ? 0.0 : sum / n;
    }
}
