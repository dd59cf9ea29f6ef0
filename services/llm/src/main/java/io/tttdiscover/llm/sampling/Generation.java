package io.tttdiscover.llm.sampling;

import java.util.List;

/**
 * One sequence a model server generated.
 *
 * @param stopped true when it ended on a stop token, false when it ran out of tokens
 */
public record Generation(List<Integer> tokens, List<Double> logprobs, boolean stopped) {
    public Generation {
        if (tokens.size() != logprobs.size()) {
            throw new IllegalArgumentException("server returned " + tokens.size() + " tokens but " + logprobs.size()
                    + " logprobs");
        }
    }
}
