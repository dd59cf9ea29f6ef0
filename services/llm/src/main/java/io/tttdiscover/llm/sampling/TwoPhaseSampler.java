package io.tttdiscover.llm.sampling;

import io.tttdiscover.llm.harmony.HarmonyParser;
import io.tttdiscover.llm.harmony.HarmonyTokenizer;
import io.tttdiscover.protocol.event.TokenTrace;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * Two-phase sampling as the paper's code does it: phase 1 may think up to {@code phase1MaxTokens - prompt length}. A
 * rollout still thinking then gets a forced hand-over (a blank line, an "out of thinking tokens" line, {@code <|end|>}
 * unless phase 1 already ended with one, and the header of a final-channel message) as prefill tokens with logprob 0
 * and mask 0, and phase 2 samples its answer in what is left of the context less a 50-token safety margin. A rollout
 * cut off while already answering simply continues.
 */
public final class TwoPhaseSampler {
    public static final String OUT_OF_THINKING =
            "\n\n... okay, I am out of thinking tokens. I need to send my final message now.";
    /** Tokens kept free below the context limit in phase 2. */
    public static final int CONTEXT_MARGIN = 50;

    private final HarmonyParser parser;
    private final SamplingSettings settings;
    private final List<Integer> handOver;
    private final List<Integer> handOverAfterEnd;
    private final Executor executor;

    /** @param executor runs the phase-2 requests of one prompt side by side */
    public TwoPhaseSampler(HarmonyTokenizer tokenizer, SamplingSettings settings, Executor executor) {
        this.parser = new HarmonyParser(tokenizer);
        this.settings = settings;
        this.executor = executor;
        this.handOver = new HarmonyTokenizer.Builder(tokenizer)
                .text(OUT_OF_THINKING)
                .special(HarmonyTokenizer.END).special(HarmonyTokenizer.START).text("assistant")
                .special(HarmonyTokenizer.CHANNEL).text("final").special(HarmonyTokenizer.MESSAGE)
                .build();
        this.handOverAfterEnd = new HarmonyTokenizer.Builder(tokenizer)
                .text(OUT_OF_THINKING)
                .special(HarmonyTokenizer.START).text("assistant")
                .special(HarmonyTokenizer.CHANNEL).text("final").special(HarmonyTokenizer.MESSAGE)
                .build();
    }

    /** The forced prefill tokens appended before phase 2, after phase-1 tokens that end as given. */
    public List<Integer> handOverTokens(List<Integer> phase1) {
        boolean endedWithEnd = !phase1.isEmpty() && phase1.get(phase1.size() - 1) == HarmonyTokenizer.END;
        return endedWithEnd ? handOverAfterEnd : handOver;
    }

    /** {@code n} rollouts of one rendered prompt, as traces (prompt, completion, logprobs, mask). */
    public List<TokenTrace> sample(TokenSampler sampler, List<Integer> prompt, int n, Long seed) {
        int phase1Budget = settings.phase1MaxTokens() - prompt.size();
        if (phase1Budget <= 0) {
            throw new IllegalArgumentException("prompt of " + prompt.size() + " tokens leaves no phase-1 budget (cap "
                    + settings.phase1MaxTokens() + ")");
        }
        List<Generation> phase1 = sampler.generate(prompt, n, phase1Budget, seed);
        List<CompletableFuture<TokenTrace>> traces = new ArrayList<>();
        for (int i = 0; i < phase1.size(); i++) {
            Generation first = phase1.get(i);
            Long phase2Seed = seed == null ? null : seed + 1 + i;
            traces.add(first.stopped()
                    ? CompletableFuture.completedFuture(trace(prompt, first, List.of(), null))
                    : CompletableFuture.supplyAsync(() -> continueRollout(sampler, prompt, first, phase2Seed), executor));
        }
        try {
            return traces.stream().map(CompletableFuture::join).toList();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    private TokenTrace continueRollout(TokenSampler sampler, List<Integer> prompt, Generation first, Long seed) {
        List<Integer> prefill = parser.inFinalChannel(first.tokens()) ? List.of() : handOverTokens(first.tokens());
        List<Integer> soFar = new ArrayList<>(prompt.size() + first.tokens().size() + prefill.size());
        soFar.addAll(prompt);
        soFar.addAll(first.tokens());
        soFar.addAll(prefill);
        int budget = settings.contextTokens() - soFar.size() - CONTEXT_MARGIN;
        if (budget <= 0) {
            return trace(prompt, first, prefill, null);
        }
        Generation second = sampler.generate(soFar, 1, budget, seed).get(0);
        return trace(prompt, first, prefill, second);
    }

    private static TokenTrace trace(List<Integer> prompt, Generation first, List<Integer> prefill, Generation second) {
        int size = first.tokens().size() + prefill.size() + (second == null ? 0 : second.tokens().size());
        List<Integer> tokens = new ArrayList<>(size);
        List<Double> logprobs = new ArrayList<>(size);
        List<Integer> mask = new ArrayList<>(size);
        tokens.addAll(first.tokens());
        logprobs.addAll(first.logprobs());
        mask.addAll(Collections.nCopies(first.tokens().size(), 1));
        tokens.addAll(prefill);
        logprobs.addAll(Collections.nCopies(prefill.size(), 0.0));
        mask.addAll(Collections.nCopies(prefill.size(), 0));
        if (second != null) {
            tokens.addAll(second.tokens());
            logprobs.addAll(second.logprobs());
            mask.addAll(Collections.nCopies(second.tokens().size(), 1));
        }
        return new TokenTrace(List.copyOf(prompt), tokens, logprobs, mask);
    }
}
