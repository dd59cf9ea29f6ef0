package io.tttdiscover.llm.testserver;

import io.tttdiscover.llm.harmony.HarmonyTokenizer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** What a test server's "model" generates for a prompt: deterministic token scripts. */
@FunctionalInterface
public interface ScriptedModel {

    record Output(List<Integer> tokens, List<Double> logprobs, boolean stopped) {
    }

    Output generate(List<Integer> prompt, int maxTokens, int sampleIndex);

    /** Thinks briefly, then answers in the final channel with one python block; cut at maxTokens. */
    static ScriptedModel answering(HarmonyTokenizer tok, String program) {
        List<Integer> full = new HarmonyTokenizer.Builder(tok)
                .special(HarmonyTokenizer.CHANNEL).text("analysis").special(HarmonyTokenizer.MESSAGE)
                .text("Let me think about the kernel.").special(HarmonyTokenizer.END)
                .special(HarmonyTokenizer.START).text("assistant").special(HarmonyTokenizer.CHANNEL).text("final")
                .special(HarmonyTokenizer.MESSAGE).text("Here it is:\n```python\n" + program + "\n```")
                .special(HarmonyTokenizer.RETURN)
                .build();
        return (prompt, maxTokens, i) -> truncated(full, maxTokens, i);
    }

    /** Thinks without end in phase 1; once handed over to the final channel, answers with the program. */
    static ScriptedModel overthinking(HarmonyTokenizer tok, String program) {
        List<Integer> answer = new HarmonyTokenizer.Builder(tok)
                .text("```python\n" + program + "\n```").special(HarmonyTokenizer.RETURN).build();
        List<Integer> thought = tok.encode(" hmm");
        return (prompt, maxTokens, i) -> {
            if (prompt.get(prompt.size() - 1) == HarmonyTokenizer.MESSAGE
                    && prompt.lastIndexOf(HarmonyTokenizer.CHANNEL) > prompt.lastIndexOf(HarmonyTokenizer.START)) {
                return truncated(answer, maxTokens, i);
            }
            List<Integer> tokens = new ArrayList<>(new HarmonyTokenizer.Builder(tok)
                    .special(HarmonyTokenizer.CHANNEL).text("analysis").special(HarmonyTokenizer.MESSAGE).build());
            while (tokens.size() <= maxTokens) {
                tokens.addAll(thought);
            }
            return truncated(tokens, maxTokens, i);
        };
    }

    static Output truncated(List<Integer> full, int maxTokens, int sampleIndex) {
        boolean fits = full.size() <= maxTokens;
        List<Integer> tokens = List.copyOf(fits ? full : full.subList(0, maxTokens));
        List<Double> logprobs = new ArrayList<>(Collections.nCopies(tokens.size(), -0.25 - 0.01 * sampleIndex));
        return new Output(tokens, logprobs, fits);
    }
}
