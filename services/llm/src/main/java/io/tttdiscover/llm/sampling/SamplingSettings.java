package io.tttdiscover.llm.sampling;

/**
 * The token budget of one rollout.
 *
 * @param phase1MaxTokens prompt + thinking cap (the paper: 26,000); past it the model is told to answer
 * @param contextTokens   the whole context, prompt included (the paper: 32,768)
 */
public record SamplingSettings(int phase1MaxTokens, int contextTokens) {
    public static final SamplingSettings PAPER = new SamplingSettings(26_000, 32_768);

    public SamplingSettings {
        if (phase1MaxTokens <= 0 || contextTokens < phase1MaxTokens) {
            throw new IllegalArgumentException("need 0 < phase1 (" + phase1MaxTokens + ") <= context ("
                    + contextTokens + ")");
        }
    }
}
