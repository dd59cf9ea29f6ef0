package io.tttdiscover.trainer.algorithm;

import io.tttdiscover.protocol.event.TokenTrace;
import io.tttdiscover.protocol.spi.Datum;

import java.util.ArrayList;
import java.util.List;

/** Rollout -> token-level training data (tinker-cookbook's trajectory_to_data). */
public final class TrainingData {

    private TrainingData() {
    }

    /** Every sampled completion token carries the rollout's advantage; forced prefill tokens carry 0. */
    public static TrainingExample fromTrace(TokenTrace trace, double advantage) {
        int n = trace.completionTokens().size();
        boolean[] sampled = new boolean[n];
        List<Double> advantages = new ArrayList<>(n);
        for (int t = 0; t < n; t++) {
            sampled[t] = trace.sampled(t);
            advantages.add(sampled[t] ? advantage : 0.0);
        }
        List<Integer> prompt = trace.promptTokens() == null ? List.of() : List.copyOf(trace.promptTokens());
        Datum datum = new Datum(prompt, List.copyOf(trace.completionTokens()),
                List.copyOf(trace.completionLogprobs()), List.copyOf(advantages));
        return new TrainingExample(datum, sampled);
    }
}
