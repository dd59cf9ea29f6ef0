package io.tttdiscover.llm.harmony;

import io.tttdiscover.protocol.event.ParentState;
import io.tttdiscover.protocol.event.PromptEvent;
import io.tttdiscover.protocol.pack.ProblemPack;

import java.util.List;

/**
 * Turns a prompt event into what gpt-oss reads: the kernel prompt from the problem pack's template, wrapped in the
 * harmony chat format (system message with the reasoning effort, our instructions as the developer message, the prompt
 * as the user message), as token ids ending in {@code <|start|>assistant} so generation continues as the assistant.
 */
public final class HarmonyRenderer {
    public static final String DEFAULT_INSTRUCTIONS = """
            You write fast, correct programs for the task the user describes. Think the problem through, then send \
            your final message with the complete program in one ```python code block. Only the last ```python block \
            of your final message is run.""";

    private static final String SYSTEM = """
            You are ChatGPT, a large language model trained by OpenAI.
            Knowledge cutoff: 2024-06

            Reasoning: %s

            # Valid channels: analysis, commentary, final. Channel must be included for every message.""";

    private final HarmonyTokenizer tokenizer;
    private final String reasoningEffort;
    private final String instructions;

    public HarmonyRenderer(HarmonyTokenizer tokenizer, String reasoningEffort, String instructions) {
        this.tokenizer = tokenizer;
        this.reasoningEffort = reasoningEffort;
        this.instructions = instructions;
    }

    /** The paper's setting: reasoning effort high, our default instructions. */
    public HarmonyRenderer(HarmonyTokenizer tokenizer) {
        this(tokenizer, "high", DEFAULT_INSTRUCTIONS);
    }

    public HarmonyTokenizer tokenizer() {
        return tokenizer;
    }

    /** The prompt event as token ids, ready for sampling. */
    public List<Integer> render(PromptEvent prompt, ProblemPack pack) {
        return renderConversation(userPrompt(prompt, pack));
    }

    /** A user message in the harmony format, generation starting after {@code <|start|>assistant}. */
    public List<Integer> renderConversation(String user) {
        return new HarmonyTokenizer.Builder(tokenizer)
                .special(HarmonyTokenizer.START).text("system").special(HarmonyTokenizer.MESSAGE)
                .text(String.format(SYSTEM, reasoningEffort)).special(HarmonyTokenizer.END)
                .special(HarmonyTokenizer.START).text("developer").special(HarmonyTokenizer.MESSAGE)
                .text("# Instructions\n\n" + instructions).special(HarmonyTokenizer.END)
                .special(HarmonyTokenizer.START).text("user").special(HarmonyTokenizer.MESSAGE)
                .text(user).special(HarmonyTokenizer.END)
                .special(HarmonyTokenizer.START).text("assistant")
                .build();
    }

    /**
     * The user message: the prompt the trainer rendered into the event, or, for an event without one, the pack's
     * kernel prompt for the parent state.
     */
    public static String userPrompt(PromptEvent prompt, ProblemPack pack) {
        if (prompt.renderedPrompt() != null && !prompt.renderedPrompt().isBlank()) {
            return prompt.renderedPrompt();
        }
        ParentState parent = prompt.parent();
        return parent == null ? pack.renderPrompt(null, null) : pack.renderPrompt(parent.code(), parent.runtimeUs());
    }
}
