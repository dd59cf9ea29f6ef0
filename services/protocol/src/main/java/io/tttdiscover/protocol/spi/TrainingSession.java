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

    @Override
    default void close() {
    }
}
