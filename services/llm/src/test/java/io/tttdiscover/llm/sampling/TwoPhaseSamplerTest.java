package io.tttdiscover.llm.sampling;

import io.tttdiscover.llm.harmony.HarmonyParser;
import io.tttdiscover.llm.harmony.HarmonyTokenizer;
import io.tttdiscover.llm.testserver.ScriptedModel;
import io.tttdiscover.protocol.event.TokenTrace;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TwoPhaseSamplerTest {
    private final HarmonyTokenizer tok = new HarmonyTokenizer();
    private final List<int[]> calls = new CopyOnWriteArrayList<>();

    private TokenSampler server(ScriptedModel model) {
        return (prompt, n, maxTokens, seed) -> {
            calls.add(new int[]{prompt.size(), n, maxTokens});
            List<Generation> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                ScriptedModel.Output o = model.generate(prompt, maxTokens, i);
                out.add(new Generation(o.tokens(), o.logprobs(), o.stopped()));
            }
            return out;
        };
    }

    private final List<Integer> prompt = Collections.nCopies(100, 1000);

    @Test
    void aRolloutThatStopsInPhaseOneIsNotContinued() {
        TwoPhaseSampler s = new TwoPhaseSampler(tok, new SamplingSettings(1000, 2000), Executors.newCachedThreadPool());
        List<TokenTrace> traces = s.sample(server(ScriptedModel.answering(tok, "x = 1")), prompt, 3, 7L);
        assertEquals(3, traces.size());
        assertEquals(1, calls.size());
        assertEquals(900, calls.get(0)[2], "phase 1 budget = phase1 cap - prompt length");
        TokenTrace t = traces.get(0);
        assertEquals(prompt, t.promptTokens());
        assertTrue(t.completionMask().stream().allMatch(m -> m == 1));
        assertEquals("x = 1\n", new HarmonyParser(tok).program(t.completionTokens()));
    }

    @Test
    void aRolloutStillThinkingGetsTheMaskedHandOverAndPhaseTwo() {
        TwoPhaseSampler s = new TwoPhaseSampler(tok, new SamplingSettings(300, 1000), Executors.newCachedThreadPool());
        List<TokenTrace> traces = s.sample(server(ScriptedModel.overthinking(tok, "fast()")), prompt, 2, 7L);
        assertEquals(3, calls.size(), "one phase-1 request for both, one phase-2 request each");
        List<Integer> handOver = s.handOverTokens(List.of(1, 2));
        assertEquals(HarmonyTokenizer.END, handOver.get(tok.encode(TwoPhaseSampler.OUT_OF_THINKING).size()));
        // The paper's text: a leading blank line, then the line, <|end|> and the final channel's header.
        assertEquals("\n\n... okay, I am out of thinking tokens. I need to send my final message now."
                + "<|end|><|start|>assistant<|channel|>final<|message|>", tok.decode(handOver));
        for (TokenTrace t : traces) {
            int phase1 = 200;
            List<Integer> c = t.completionTokens();
            assertEquals(handOver, c.subList(phase1, phase1 + handOver.size()));
            for (int i = 0; i < c.size(); i++) {
                boolean prefill = i >= phase1 && i < phase1 + handOver.size();
                assertEquals(prefill ? 0 : 1, t.completionMask().get(i), "mask at " + i);
                if (prefill) {
                    assertEquals(0.0, t.completionLogprobs().get(i));
                    assertTrue(!t.sampled(i));
                } else {
                    assertTrue(t.completionLogprobs().get(i) < 0);
                }
            }
            assertEquals("fast()\n", new HarmonyParser(tok).program(c));
        }
        int[] phase2 = calls.get(1);
        assertEquals(100 + 200 + handOver.size(), phase2[0]);
        assertEquals(1, phase2[1]);
        assertEquals(1000 - phase2[0] - 50, phase2[2], "phase 2 gets the rest of the context less a 50-token margin");
    }

    @Test
    void aRolloutCutOffWhileAnsweringContinuesWithoutHandOver() {
        TwoPhaseSampler s = new TwoPhaseSampler(tok, new SamplingSettings(110, 1000), Executors.newCachedThreadPool());
        ScriptedModel answering = ScriptedModel.answering(tok, "y = 2");
        List<Integer> full = answering.generate(prompt, 10_000, 0).tokens();
        int finalStarts = full.lastIndexOf(HarmonyTokenizer.MESSAGE) + 3;
        TwoPhaseSampler cut = new TwoPhaseSampler(tok, new SamplingSettings(100 + finalStarts, 1000),
                Executors.newCachedThreadPool());
        ScriptedModel resumes = (p, max, i) -> p.size() == 100 ? ScriptedModel.truncated(full, max, i)
                : ScriptedModel.truncated(full.subList(p.size() - 100, full.size()), max, i);
        TokenTrace t = cut.sample(server(resumes), prompt, 1, null).get(0);
        assertEquals(full, t.completionTokens());
        assertTrue(t.completionMask().stream().allMatch(m -> m == 1));
        assertEquals(2, calls.size());
        assertTrue(s.handOverTokens(List.of()).size() > 10);
    }

    @Test
    void aPhaseOneThatEndedWithEndGetsNoSecondEnd() {
        TwoPhaseSampler s = new TwoPhaseSampler(tok, new SamplingSettings(300, 1000), Executors.newCachedThreadPool());
        assertEquals(TwoPhaseSampler.OUT_OF_THINKING + "<|start|>assistant<|channel|>final<|message|>",
                tok.decode(s.handOverTokens(List.of(5, HarmonyTokenizer.END))));
    }
}
