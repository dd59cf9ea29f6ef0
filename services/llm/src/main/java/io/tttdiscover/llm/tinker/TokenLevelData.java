package io.tttdiscover.llm.tinker;

import io.tttdiscover.protocol.spi.Datum;

import java.util.ArrayList;
import java.util.List;

/**
 * One rollout laid out for the importance-sampling loss: the model reads {@code prompt + completion[:-1]} and, at each
 * position, predicts the next token ({@code target_tokens} = the sequence shifted left by one). Positions whose target
 * is a prompt token carry logprob 0 and advantage 0, so only completion tokens move the policy.
 */
public record TokenLevelData(List<Integer> modelInput, List<Integer> targetTokens, List<Double> logprobs,
                             List<Double> advantages) {

    public static TokenLevelData of(Datum d) {
        List<Integer> all = new ArrayList<>(d.promptTokens().size() + d.completionTokens().size());
        all.addAll(d.promptTokens());
        all.addAll(d.completionTokens());
        if (all.size() < 2 || d.promptTokens().isEmpty()) {
            throw new IllegalArgumentException("a datum needs a prompt and at least one completion token");
        }
        int positions = all.size() - 1;
        int prompt = d.promptTokens().size();
        List<Double> logprobs = new ArrayList<>(positions);
        List<Double> advantages = new ArrayList<>(positions);
        for (int t = 0; t < positions; t++) {
            int completionIndex = t + 1 - prompt;
            logprobs.add(completionIndex < 0 ? 0.0 : d.samplerLogprobs().get(completionIndex));
            advantages.add(completionIndex < 0 ? 0.0 : d.advantages().get(completionIndex));
        }
        return new TokenLevelData(List.copyOf(all.subList(0, positions)), List.copyOf(all.subList(1, all.size())),
                logprobs, advantages);
    }

    /** Where the completion's predictions start in per-position outputs (the learner's logprobs). */
    public static int firstCompletionPosition(Datum d) {
        return d.promptTokens().size() - 1;
    }
}
