package io.tttdiscover.llm.sampling;

import java.util.List;

/** A model server's raw generation call, in token ids: what each backend adapts to its wire protocol. */
public interface TokenSampler {

    /**
     * {@code n} continuations of {@code prompt}, at most {@code maxTokens} each, stopping at the harmony stop tokens.
     *
     * @param seed null for an unseeded request
     */
    List<Generation> generate(List<Integer> prompt, int n, int maxTokens, Long seed);
}
