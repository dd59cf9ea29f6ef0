package io.tttdiscover.llm.harmony;

import io.tttdiscover.protocol.event.ParentState;
import io.tttdiscover.protocol.event.PromptEvent;
import io.tttdiscover.protocol.pack.ProblemPack;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * Turns a prompt event into what gpt-oss reads, exactly as the paper's renderer (tinker-cookbook's GptOssRenderer with
 * the system prompt on, {@code gpt_oss_high_reasoning}) does: a system message (knowledge cutoff, current date,
 * reasoning effort, valid channels), then ONE user message holding the whole problem prompt, no developer message, no
 * newlines between messages, as token ids ending in {@code <|start|>assistant}. A warm start from the seed's
 * checkpoint sees the token distribution it was trained on only with this exact layout.
 */
public final class HarmonyRenderer {
    private static final String SYSTEM = "You are ChatGPT, a large language model trained by OpenAI.\n"
            + "Knowledge cutoff: 2024-06\n"
            + "Current date: %s\n\n"
            + "Reasoning: %s\n\n"
            + "# Valid channels: analysis, commentary, final. Channel must be included for every message.";

    private final HarmonyTokenizer tokenizer;
    private final String reasoningEffort;
    private final LocalDate currentDate;

    /** @param currentDate the system message's date; null for the day of rendering (as the reference does) */
    public HarmonyRenderer(HarmonyTokenizer tokenizer, String reasoningEffort, LocalDate currentDate) {
        this.tokenizer = tokenizer;
        this.reasoningEffort = reasoningEffort;
        this.currentDate = currentDate;
    }

    /** The paper's setting: reasoning effort high, today's date. */
    public HarmonyRenderer(HarmonyTokenizer tokenizer) {
        this(tokenizer, "high", null);
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
                .text(systemMessage()).special(HarmonyTokenizer.END)
                .special(HarmonyTokenizer.START).text("user").special(HarmonyTokenizer.MESSAGE)
                .text(user).special(HarmonyTokenizer.END)
                .special(HarmonyTokenizer.START).text("assistant")
                .build();
    }

    /** The system message's text, with the fixed date or today's. */
    public String systemMessage() {
        LocalDate date = currentDate != null ? currentDate : LocalDate.now();
        return String.format(Locale.ROOT, SYSTEM, date.format(DateTimeFormatter.ISO_LOCAL_DATE), reasoningEffort);
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
