package io.tttdiscover.protocol.spi;

import java.util.List;

/**
 * One rollout as training data, before the backend lays it out for its wire format: the prompt tokens, the
 * completion tokens with the sampler's logprobs, and the advantage of every completion token (0 on forced prefill).
 */
public record Datum(
        List<Integer> promptTokens,
        List<Integer> completionTokens,
        List<Double> samplerLogprobs,
        List<Double> advantages) {

    public Datum {
        if (completionTokens.size() != samplerLogprobs.size() || completionTokens.size() != advantages.size()) {
            throw new IllegalArgumentException("completion tokens, logprobs and advantages differ in length");
        }
    }
}
