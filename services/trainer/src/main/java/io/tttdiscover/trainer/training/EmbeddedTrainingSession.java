package io.tttdiscover.trainer.training;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.tttdiscover.protocol.event.EventCodec;

import io.tttdiscover.protocol.event.PolicyParameters;
import io.tttdiscover.protocol.pack.Choosable;
import io.tttdiscover.protocol.policy.ProgramSpacePolicy;
import io.tttdiscover.protocol.spi.AdamParams;
import io.tttdiscover.protocol.spi.Datum;
import io.tttdiscover.protocol.spi.ForwardBackwardResult;
import io.tttdiscover.protocol.spi.PolicyCheckpoint;
import io.tttdiscover.protocol.spi.TrainingSession;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** One run's embedded program-space policy under training. */
final class EmbeddedTrainingSession implements TrainingSession {
    private final String runId;
    private final FlatParameters layout;
    private final Choosable available;
    private final PolicyParameters base;
    private final double[] x;
    private final double[] gradient;
    private final Adam adam;
    private final long startVersion;

    EmbeddedTrainingSession(String runId, FlatParameters layout, Choosable available, PolicyParameters base,
                            PolicyParameters start, long startVersion) {
        this.runId = runId;
        this.layout = layout;
        this.available = available;
        this.base = base;
        this.x = layout.flatten(start);
        this.gradient = new double[layout.length()];
        this.adam = new Adam(layout.length());
        this.startVersion = startVersion;
    }

    @Override
    public PolicyCheckpoint initialCheckpoint() {
        return checkpoint(startVersion);
    }

    @Override
    public List<List<Double>> baseLogprobs(List<Datum> data) {
        List<List<Double>> out = new ArrayList<>(data.size());
        for (Datum d : data) {
            out.add(ProgramSpacePolicy.logprobs(base, ImportanceSamplingLoss.parentChoices(d, layout.decisions()),
                    d.completionTokens(), available));
        }
        return out;
    }

    @Override
    public ForwardBackwardResult forwardBackward(List<Datum> data) {
        ImportanceSamplingLoss.Result r = ImportanceSamplingLoss.evaluate(layout, x, data, available);
        for (int i = 0; i < gradient.length; i++) {
            gradient[i] += r.gradient()[i];
        }
        PolicyParameters current = layout.unflatten(x);
        double entropy = 0;
        for (Datum d : data) {
            entropy += ProgramSpacePolicy.entropy(current, ImportanceSamplingLoss.parentChoices(d, layout.decisions()),
                    available);
        }
        entropy /= Math.max(1, data.size());
        return new ForwardBackwardResult(r.loss(), r.learnerLogprobs(), Map.of("entropy", entropy));
    }

    @Override
    public void optimStep(AdamParams params) {
        adam.step(x, gradient, params);
        Arrays.fill(gradient, 0.0);
    }

    @Override
    public PolicyCheckpoint saveForSampler(long version) {
        return checkpoint(version);
    }

    /** The Adam state as JSON ({@code m}, {@code v}, {@code t}); the weights travel in the checkpoint. */
    @Override
    public String saveTrainingState() {
        return EventCodec.encode(adam.state());
    }

    void restoreTrainingState(String json) {
        try {
            adam.restore(EventCodec.mapper().readValue(json, Adam.State.class));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("run " + runId + ": unreadable optimizer state: " + e.getMessage(), e);
        }
    }

    PolicyParameters parameters() {
        return layout.unflatten(x);
    }

    private PolicyCheckpoint checkpoint(long version) {
        return new PolicyCheckpoint(version, EmbeddedTrainingBackend.checkpointUri(runId, version),
                layout.unflatten(x));
    }
}
