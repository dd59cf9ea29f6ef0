package io.tttdiscover.protocol;

import java.util.List;

/** Every topic name lives here; services refer to these constants (and their config mirrors them). */
public final class Topics {
    public static final String PROMPTS = "prompts";
    public static final String CANDIDATES = "candidate-kernels";
    public static final String REWARDS = "rewards";
    public static final String CHECKPOINTS = "checkpoints";

    /** Suffix of the dead-letter topic of each consumed topic, e.g. {@code rewards.dlq}. */
    public static final String DEAD_LETTER_SUFFIX = ".dlq";

    /** Kafka header SmallRye sets on dead-lettered records: why the record could not be processed. */
    public static final String DEAD_LETTER_REASON_HEADER = "dead-letter-reason";

    /** A topic as a local run creates it: partitions for a single-node broker, compacted or not. */
    public record Layout(String name, int partitions, boolean compacted) {
    }

    /**
     * Every topic of the product with its local partition count. candidate-kernels has the most partitions: it is
     * keyed by candidate id, so one run's candidates spread over every evaluator replica.
     */
    public static final List<Layout> LAYOUT = List.of(
            new Layout(PROMPTS, 4, false),
            new Layout(CANDIDATES, 8, false),
            new Layout(REWARDS, 4, false),
            new Layout(CHECKPOINTS, 1, true),
            new Layout(deadLetter(PROMPTS), 1, false),
            new Layout(deadLetter(CANDIDATES), 1, false),
            new Layout(deadLetter(REWARDS), 1, false),
            new Layout(deadLetter(CHECKPOINTS), 1, false));

    private Topics() {
    }

    public static String deadLetter(String topic) {
        return topic + DEAD_LETTER_SUFFIX;
    }
}
