package io.tttdiscover.llm.harmony;

import io.tttdiscover.protocol.event.ParentState;
import io.tttdiscover.protocol.event.PromptEvent;
import io.tttdiscover.protocol.pack.ProblemPack;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

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
     * The user message: the pack's prompt template filled with the parent state, the target and the gap. A pack
     * without a prompt template falls back to the text the trainer rendered into the event.
     */
    public static String userPrompt(PromptEvent prompt, ProblemPack pack) {
        String template;
        try {
            template = pack.promptTemplate();
        } catch (IllegalArgumentException noTemplate) {
            return prompt.renderedPrompt() == null ? "" : prompt.renderedPrompt();
        }
        return kernelPrompt(template, prompt.parent(), pack.targetUs());
    }

    /** Fills {@code {{target_us}} {{gap}} {{parent_runtime_us}} {{parent_code}} {{parent_section}}}. */
    public static String kernelPrompt(String template, ParentState parent, double targetUs) {
        String code = parent == null || parent.code() == null ? "" : parent.code().strip();
        Double runtime = parent == null ? null : parent.runtimeUs();
        Map<String, String> values = new LinkedHashMap<>();
        values.put("target_us", number(targetUs));
        values.put("gap", gap(runtime, targetUs));
        values.put("parent_runtime_us", runtime == null ? "not measured" : number(runtime));
        // Code goes in last, so placeholder-like text inside a program is never filled.
        String section = parentSection(code, runtime, targetUs);
        values.put("parent_section", section);
        values.put("parent_code", code);
        String filled = ProblemPack.fill(template, values);
        boolean templateShowsParent = template.contains("{{parent_section}}") || template.contains("{{parent_code}}");
        return templateShowsParent ? filled : filled.stripTrailing() + "\n\n" + section;
    }

    static String parentSection(String code, Double runtime, double targetUs) {
        if (code.isEmpty()) {
            return "There is no previous code yet: write the first version.";
        }
        return "Here is the last code we ran:\n\n```python\n" + code + "\n```\n\n"
                + (runtime == null ? "It has no measured runtime yet."
                : "Its runtime is " + number(runtime) + " us; the target is " + number(targetUs) + " us, so it is "
                + gap(runtime, targetUs) + ".");
    }

    static String gap(Double runtimeUs, double targetUs) {
        if (runtimeUs == null || targetUs <= 0) {
            return "not known yet (no measured runtime)";
        }
        double ratio = runtimeUs / targetUs;
        if (ratio > 1) {
            return String.format(Locale.ROOT, "%.2fx slower than the target", ratio);
        }
        return String.format(Locale.ROOT, "already at the target (%.2fx faster); make it faster still", 1 / ratio);
    }

    static String number(double v) {
        return v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }
}
