package io.tttdiscover.protocol.event;

import java.util.List;

/**
 * What the policy saw and chose, in the token form the trainer turns into training data. For an LLM: prompt and
 * completion token ids with the sampler's logprobs. For the embedded program-space policy: the parent's choices
 * (-1 for none) as the prompt and one chosen alternative per decision point as the completion.
 *
 * @param completionMask 1 where a completion token was sampled, 0 where it was forced (phase-2 prefill), which then
 *                       carries no advantage; null means all sampled
 */
public record TokenTrace(
        List<Integer> promptTokens,
        List<Integer> completionTokens,
        List<Double> completionLogprobs,
        List<Integer> completionMask) {

    public TokenTrace {
        if (completionTokens != null && completionLogprobs != null
                && completionTokens.size() != completionLogprobs.size()) {
            throw new IllegalArgumentException("completion tokens (" + completionTokens.size()
                    + ") and logprobs (" + completionLogprobs.size() + ") differ in length");
        }
    }

    public boolean sampled(int position) {
        return completionMask == null || completionMask.get(position) != 0;
    }
}
