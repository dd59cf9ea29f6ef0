package io.tttdiscover.trainer.service;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The largest run {@code POST /runs} accepts. The defaults leave room above the paper's settings (50 steps of
 * 8 groups x 64 samples, 25,600 rollouts) and keep one request from queueing days of evaluation or from sizing the
 * trainer's buffers past its heap.
 */
@ConfigMapping(prefix = RunLimits.PREFIX)
public interface RunLimits {
    String PREFIX = "discover.trainer.limits";

    /** Most training steps a run may ask for. */
    @WithDefault("10000")
    int steps();

    /** Most groups (parent states) a step may sample. */
    @WithDefault("64")
    int groupsPerBatch();

    /** Most samples a group may hold. */
    @WithDefault("64")
    int groupSize();

    /** Most rollouts a run may ask for in all: steps x groupsPerBatch x groupSize. */
    @WithDefault("1000000")
    long totalRollouts();

    /** Longest a step may wait for its group's rewards. */
    @WithDefault("86400")
    int groupDeadlineSeconds();

    /** Largest LoRA rank an LLM backend is asked for. */
    @WithDefault("128")
    int loraRank();

    /** The full configuration key of a limit, named in rejections so an operator knows what to raise. */
    static String key(String name) {
        return PREFIX + "." + name;
    }
}
