package io.tttdiscover.llm.harmony;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * gpt-oss tokens: o200k_base BPE for text, plus the harmony special tokens, which never come out of the BPE (text
 * that merely looks like {@code <|end|>} is encoded as ordinary characters, so a prompt cannot forge a message).
 */
public final class HarmonyTokenizer {
    public static final int RETURN = 200002;
    public static final int CONSTRAIN = 200003;
    public static final int CHANNEL = 200005;
    public static final int START = 200006;
    public static final int END = 200007;
    public static final int MESSAGE = 200008;
    public static final int CALL = 200012;

    /** Sampling stops at either: the final answer is done, or the model called a tool (which we do not offer). */
    public static final List<Integer> STOP_TOKENS = List.of(RETURN, CALL);

    private static final Map<Integer, String> SPECIALS = Map.of(
            RETURN, "<|return|>",
            CONSTRAIN, "<|constrain|>",
            CHANNEL, "<|channel|>",
            START, "<|start|>",
            END, "<|end|>",
            MESSAGE, "<|message|>",
            CALL, "<|call|>");

    private static final Encoding O200K = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE);

    public static boolean isSpecial(int token) {
        return SPECIALS.containsKey(token);
    }

    /** Text as ordinary BPE tokens. */
    public List<Integer> encode(String text) {
        return O200K.encodeOrdinary(text).boxed();
    }

    /** Tokens back to text, special tokens written as their {@code <|name|>} form. */
    public String decode(List<Integer> tokens) {
        StringBuilder out = new StringBuilder();
        IntArrayList run = new IntArrayList();
        for (int token : tokens) {
            String special = SPECIALS.get(token);
            if (special == null) {
                run.add(token);
            } else {
                flush(run, out);
                out.append(special);
            }
        }
        flush(run, out);
        return out.toString();
    }

    /** Ordinary tokens only; a multi-byte character split across tokens is decoded whole. */
    private static void flush(IntArrayList run, StringBuilder out) {
        if (run.isEmpty()) {
            return;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        IntArrayList one = new IntArrayList(1);
        for (int i = 0; i < run.size(); i++) {
            int token = run.get(i);
            if (token >= 199998) {
                // Outside o200k_base's ordinary range and not a harmony token we know: keep it visible.
                out.append(new String(bytes.toByteArray(), StandardCharsets.UTF_8)).append("<|").append(token).append("|>");
                bytes.reset();
                continue;
            }
            one.clear();
            one.add(token);
            bytes.writeBytes(O200K.decodeBytes(one));
        }
        out.append(new String(bytes.toByteArray(), StandardCharsets.UTF_8));
        run.clear();
    }

    /** Helper for rendering: a growing token list. */
    public static final class Builder {
        private final HarmonyTokenizer tokenizer;
        private final List<Integer> tokens = new ArrayList<>();

        public Builder(HarmonyTokenizer tokenizer) {
            this.tokenizer = tokenizer;
        }

        public Builder special(int token) {
            tokens.add(token);
            return this;
        }

        public Builder text(String text) {
            tokens.addAll(tokenizer.encode(text));
            return this;
        }

        public List<Integer> build() {
            return List.copyOf(tokens);
        }
    }
}
