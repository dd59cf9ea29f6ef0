package io.tttdiscover.protocol;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every topic name lives here; services refer to these constants (and their config mirrors them).
 *
 * <p><b>Sizes, one relation for every hop.</b> A pack declares {@code max_program_bytes} (default
 * {@code ProblemPack.DEFAULT_MAX_PROGRAM_BYTES}, at most {@link #MAX_PROGRAM_BYTES}); a longer program never travels:
 * the sampler replaces it by its size and SHA-256, the evaluator answers it with a REJECTED reward
 * ({@code program-too-large}) that carries no copy of it. Below that bound every event fits one record of
 * {@link #MAX_RECORD_BYTES}: a prompt holds its parent's program twice (parent state and rendered prompt), a candidate
 * once plus its token trace, a reward its candidate; JSON escaping can at most sextuple the text, so
 * {@code 16 x MAX_PROGRAM_BYTES = MAX_RECORD_BYTES} leaves room for the traces. The settings that must agree:
 * <ul>
 *   <li>{@link #MAX_RECORD_BYTES}: each product topic's {@code max.message.bytes}, each producer's
 *       {@code max.request.size}, each consumer's {@code max.partition.fetch.bytes};</li>
 *   <li>{@link #MAX_DEAD_LETTER_BYTES}: a dead letter is the consumed record, byte for byte, plus reason headers, so
 *       each {@code .dlq} topic's {@code max.message.bytes} and each dead-letter producer's {@code max.request.size};
 *       the broker's {@code message.max.bytes} is this, the largest.</li>
 * </ul>
 * They are set in {@link #LAYOUT} (local broker, test broker), {@code k8s/topics.yaml} and each service's
 * {@code application.properties}.
 */
public final class Topics {
    public static final String PROMPTS = "prompts";
    public static final String CANDIDATES = "candidate-kernels";
    public static final String REWARDS = "rewards";
    public static final String CHECKPOINTS = "checkpoints";

    /** Suffix of the dead-letter topic of each consumed topic, e.g. {@code rewards.dlq}. */
    public static final String DEAD_LETTER_SUFFIX = ".dlq";

    /** Kafka header SmallRye sets on dead-lettered records: why the record could not be processed. */
    public static final String DEAD_LETTER_REASON_HEADER = "dead-letter-reason";

    /** The largest record of a product topic (8 MiB). */
    public static final int MAX_RECORD_BYTES = 8 * 1024 * 1024;

    /** Room for the reason headers a dead letter adds to the record it carries. */
    public static final int DEAD_LETTER_HEADROOM_BYTES = 64 * 1024;

    /** The largest record of a dead-letter topic, and the broker's {@code message.max.bytes}. */
    public static final int MAX_DEAD_LETTER_BYTES = MAX_RECORD_BYTES + DEAD_LETTER_HEADROOM_BYTES;

    /** The most a pack may declare as {@code max_program_bytes} (512 KiB): see the relation above. */
    public static final int MAX_PROGRAM_BYTES = MAX_RECORD_BYTES / 16;

    /** A topic as a local run creates it: partitions for a single-node broker, compacted or not, its record limit. */
    public record Layout(String name, int partitions, boolean compacted, int maxMessageBytes) {

        /** The topic-level configs to create it with. */
        public Map<String, String> configs() {
            Map<String, String> configs = new LinkedHashMap<>();
            if (compacted) {
                configs.put("cleanup.policy", "compact");
            }
            configs.put("max.message.bytes", Integer.toString(maxMessageBytes));
            return configs;
        }
    }

    /**
     * Every topic of the product with its local partition count. candidate-kernels has the most partitions: it is
     * keyed by candidate id, so one run's candidates spread over every evaluator replica.
     */
    public static final List<Layout> LAYOUT = List.of(
            new Layout(PROMPTS, 4, false, MAX_RECORD_BYTES),
            new Layout(CANDIDATES, 8, false, MAX_RECORD_BYTES),
            new Layout(REWARDS, 4, false, MAX_RECORD_BYTES),
            new Layout(CHECKPOINTS, 1, true, MAX_RECORD_BYTES),
            new Layout(deadLetter(PROMPTS), 1, false, MAX_DEAD_LETTER_BYTES),
            new Layout(deadLetter(CANDIDATES), 1, false, MAX_DEAD_LETTER_BYTES),
            new Layout(deadLetter(REWARDS), 1, false, MAX_DEAD_LETTER_BYTES),
            new Layout(deadLetter(CHECKPOINTS), 1, false, MAX_DEAD_LETTER_BYTES));

    private Topics() {
    }

    public static String deadLetter(String topic) {
        return topic + DEAD_LETTER_SUFFIX;
    }
}
