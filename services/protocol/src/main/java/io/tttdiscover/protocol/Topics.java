package io.tttdiscover.protocol;

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

    private Topics() {
    }

    public static String deadLetter(String topic) {
        return topic + DEAD_LETTER_SUFFIX;
    }
}
