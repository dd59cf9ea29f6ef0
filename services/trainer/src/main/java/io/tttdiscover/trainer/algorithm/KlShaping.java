package io.tttdiscover.trainer.algorithm;

import io.tttdiscover.protocol.spi.Datum;

import java.util.ArrayList;
import java.util.List;

/**
 * KL shaping against the base policy: d_t = logp_sampler(t) - logp_base(t) on sampled completion tokens, and
 * A_t += lambda * (mean_batch(d) - d_t). Tokens that drifted further from the base than average are discouraged.
 */
public final class KlShaping {

    private KlShaping() {
    }

    /** @param klPolicyBase mean d over all sampled completion tokens of the batch (logged even when lambda is 0) */
    public record Shaped(List<TrainingExample> examples, double klPolicyBase) {
    }

    public static Shaped apply(List<TrainingExample> examples, List<List<Double>> baseLogprobs, double lambda) {
        double meanD = TrainingExample.meanOverSampled(examples, (i, t) ->
                examples.get(i).datum().samplerLogprobs().get(t) - baseLogprobs.get(i).get(t));
        if (lambda == 0.0) {
            return new Shaped(examples, meanD);
        }
        List<TrainingExample> shaped = new ArrayList<>(examples.size());
        for (int i = 0; i < examples.size(); i++) {
            TrainingExample ex = examples.get(i);
            Datum d = ex.datum();
            List<Double> advantages = new ArrayList<>(d.advantages());
            for (int t = 0; t < ex.sampled().length; t++) {
                if (ex.sampled()[t]) {
                    double dt = d.samplerLogprobs().get(t) - baseLogprobs.get(i).get(t);
                    advantages.set(t, advantages.get(t) + lambda * (meanD - dt));
                }
            }
            shaped.add(new TrainingExample(new Datum(d.promptTokens(), d.completionTokens(), d.samplerLogprobs(),
                    List.copyOf(advantages)), ex.sampled()));
        }
        return new Shaped(List.copyOf(shaped), meanD);
    }
}
