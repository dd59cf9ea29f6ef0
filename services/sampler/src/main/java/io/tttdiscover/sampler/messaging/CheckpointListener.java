package io.tttdiscover.sampler.messaging;

import io.smallrye.common.annotation.Blocking;
import io.tttdiscover.protocol.event.CheckpointEvent;
import io.tttdiscover.protocol.event.EventCodec;
import io.tttdiscover.sampler.service.SamplingService;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * checkpoints -> the active backend. Ordered: a backend sees a run's versions in the order they were published. A
 * checkpoint that does not decode, or whose parameters do not fit the run's program space, is nacked: it lands on
 * {@code checkpoints.dlq} byte for byte with the reason, and the run keeps the policy it had. A run-finished marker is
 * no policy: it never reaches a backend, it only tells the sampler to drop the run's prompts.
 */
@ApplicationScoped
public class CheckpointListener {
    private static final Logger LOG = Logger.getLogger(CheckpointListener.class);

    private final SamplingService sampling;

    public CheckpointListener(SamplingService sampling) {
        this.sampling = sampling;
    }

    @Incoming("checkpoints")
    @Blocking
    public void onCheckpoint(byte[] record) {
        CheckpointEvent checkpoint = EventCodec.checkpoint(record);
        if (checkpoint.marksRunFinished()) {
            sampling.onRunFinished(checkpoint);
            return;
        }
        sampling.onCheckpoint(checkpoint);
        LOG.infof("run %s: policy version %d (step %d)", checkpoint.runId(), checkpoint.policyVersion(),
                checkpoint.step());
    }
}
