package io.tttdiscover.protocol.spi;

import java.util.List;

/** One run's policy being trained. Calls come from one thread, in step order. */
public interface TrainingSession extends AutoCloseable {

    /** The policy the first step samples from (fresh, or loaded from the warm-start checkpoint). */
    PolicyCheckpoint initialCheckpoint();

    /** logp of every completion token under the frozen base policy, for KL shaping. */
    List<List<Double>> baseLogprobs(List<Datum> data);

    /** Importance-sampling loss {@code -sum_t exp(logp_theta - logp_sampler) * A_t}, its gradient accumulated. */
    ForwardBackwardResult forwardBackward(List<Datum> data);

    /** One Adam step on the accumulated gradient. */
    void optimStep(AdamParams adam);

    /** Publishes the current weights for sampling as version {@code version}. */
    PolicyCheckpoint saveForSampler(long version);

    /**
     * What, beyond the sampler weights, a restarted trainer needs to continue this session exactly (the optimizer's
     * moments and step count), as text to store with the step; null when the backend keeps none (it then resumes
     * from the weights alone, with a fresh optimizer).
     */
    default String saveTrainingState() {
        return null;
    }

    @Override
    default void close() {
    }
}
