package io.tttdiscover.llm.sampling;

import io.tttdiscover.llm.harmony.HarmonyParser;
import io.tttdiscover.llm.harmony.HarmonyRenderer;
import io.tttdiscover.protocol.event.PromptEvent;
import io.tttdiscover.protocol.event.TokenTrace;
import io.tttdiscover.protocol.pack.ProblemPack;
import io.tttdiscover.protocol.spi.Sample;

import java.util.List;

/** A prompt event to samples: render with harmony, sample in two phases, pull the program out of each answer. */
public final class RolloutSampler {
    private final HarmonyRenderer renderer;
    private final HarmonyParser parser;
    private final TwoPhaseSampler twoPhase;

    public RolloutSampler(HarmonyRenderer renderer, TwoPhaseSampler twoPhase) {
        this.renderer = renderer;
        this.parser = new HarmonyParser(renderer.tokenizer());
        this.twoPhase = twoPhase;
    }

    public List<Sample> sample(TokenSampler sampler, PromptEvent prompt, ProblemPack pack, long policyVersion) {
        List<Integer> tokens = renderer.render(prompt, pack);
        List<TokenTrace> traces = twoPhase.sample(sampler, tokens, prompt.samplesWanted(), seedOf(prompt));
        return traces.stream()
                .map(t -> new Sample(parser.program(t.completionTokens()), t, policyVersion))
                .toList();
    }

    /** A redelivered prompt asks the server for the same samples again. */
    static long seedOf(PromptEvent prompt) {
        return Integer.toUnsignedLong(prompt.promptId().hashCode());
    }
}
