package io.tttdiscover.llm.harmony;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads a completion (the tokens after {@code <|start|>assistant}) back into messages and the program it answers. */
public final class HarmonyParser {
    private static final Pattern PYTHON_BLOCK = Pattern.compile("```(?:python|py)[ \\t]*\\r?\\n(.*?)```", Pattern.DOTALL);

    private final HarmonyTokenizer tokenizer;

    public HarmonyParser(HarmonyTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    public List<HarmonyMessage> messages(List<Integer> completion) {
        List<HarmonyMessage> out = new ArrayList<>();
        List<Integer> header = new ArrayList<>();
        List<Integer> content = new ArrayList<>();
        boolean inHeader = true;
        for (int token : completion) {
            if (inHeader) {
                if (token == HarmonyTokenizer.MESSAGE) {
                    inHeader = false;
                } else if (token == HarmonyTokenizer.START) {
                    header.clear();
                } else {
                    header.add(token);
                }
            } else if (token == HarmonyTokenizer.END || token == HarmonyTokenizer.RETURN
                    || token == HarmonyTokenizer.CALL) {
                out.add(new HarmonyMessage(channel(header), tokenizer.decode(content), true));
                header.clear();
                content.clear();
                inHeader = true;
            } else {
                content.add(token);
            }
        }
        if (!inHeader) {
            out.add(new HarmonyMessage(channel(header), tokenizer.decode(content), false));
        }
        return out;
    }

    /** Whether the completion so far ends inside (or at the header of) a final-channel message. */
    public boolean inFinalChannel(List<Integer> completion) {
        int lastStart = -1;
        for (int i = completion.size() - 1; i >= 0; i--) {
            int token = completion.get(i);
            if (token == HarmonyTokenizer.END || token == HarmonyTokenizer.RETURN || token == HarmonyTokenizer.CALL) {
                return false;
            }
            if (token == HarmonyTokenizer.START) {
                lastStart = i;
                break;
            }
        }
        List<Integer> header = new ArrayList<>();
        for (int i = lastStart + 1; i < completion.size() && completion.get(i) != HarmonyTokenizer.MESSAGE; i++) {
            header.add(completion.get(i));
        }
        return "final".equals(channel(header));
    }

    /** The text of the last final-channel message, or "" when the model never answered. */
    public String finalAnswer(List<Integer> completion) {
        String answer = "";
        for (HarmonyMessage m : messages(completion)) {
            if ("final".equals(m.channel())) {
                answer = m.content();
            }
        }
        return answer;
    }

    /** The candidate program: the last ```python block of the final answer, or "" when there is none. */
    public String program(List<Integer> completion) {
        return lastPythonBlock(finalAnswer(completion));
    }

    public static String lastPythonBlock(String text) {
        Matcher m = PYTHON_BLOCK.matcher(text);
        String last = "";
        while (m.find()) {
            last = m.group(1);
        }
        return last;
    }

    /** The header's channel name: the first word after {@code <|channel|>} (a header may add "to=..." or a constraint). */
    private String channel(List<Integer> header) {
        int at = header.indexOf(HarmonyTokenizer.CHANNEL);
        if (at < 0) {
            return "";
        }
        List<Integer> name = new ArrayList<>();
        for (int i = at + 1; i < header.size() && !HarmonyTokenizer.isSpecial(header.get(i)); i++) {
            name.add(header.get(i));
        }
        String text = tokenizer.decode(name).strip();
        int space = text.indexOf(' ');
        return space < 0 ? text : text.substring(0, space);
    }
}
