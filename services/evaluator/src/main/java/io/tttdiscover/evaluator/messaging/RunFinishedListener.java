package io.tttdiscover.evaluator.messaging;

import io.tttdiscover.evaluator.service.FairGate;
import io.tttdiscover.evaluator.service.FinishedRuns;
import io.tttdiscover.protocol.event.CheckpointEvent;
import io.tttdiscover.protocol.event.EventCodec;
import io.tttdiscover.protocol.event.MalformedEventException;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * checkpoints -> {@link FinishedRuns}. Every replica reads the whole compacted topic (a group of its own), so it knows
 * of runs that finished before it started; policies are no business of the evaluator and are passed over, and a
 * record that does not decode is left to the sampler, which dead-letters it.
 */
@ApplicationScoped
public class RunFinishedListener {
    private static final Logger LOG = Logger.getLogger(RunFinishedListener.class);

    private final FinishedRuns finished;
    private final FairGate gate;

    public RunFinishedListener(FinishedRuns finished, FairGate gate) {
        this.finished = finished;
        this.gate = gate;
    }

    @Incoming("checkpoints")
    public void onCheckpoint(byte[] record) {
        CheckpointEvent event;
        try {
            event = EventCodec.checkpoint(record);
        } catch (MalformedEventException e) {
            LOG.debugf("checkpoint record passed over: %s", e.getMessage());
            return;
        }
        if (event.marksRunFinished() && finished.add(event.runId())) {
            LOG.infof("run %s %s: its candidates are cancelled from now on", event.runId(), event.finished());
        }
        if (event.marksRunFinished()) {
            // Its candidates waiting for a worker slot leave now, each answered CANCELLED by its own thread.
            gate.cancelRun(event.runId());
        }
    }
}
