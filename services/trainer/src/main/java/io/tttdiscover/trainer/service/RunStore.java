package io.tttdiscover.trainer.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.tttdiscover.protocol.event.EventCodec;
import io.tttdiscover.protocol.event.MaskSemantics;
import io.tttdiscover.protocol.event.PolicyParameters;
import io.tttdiscover.protocol.event.RewardEvent;
import io.tttdiscover.protocol.event.StepMetrics;
import io.tttdiscover.protocol.spi.PolicyCheckpoint;
import io.tttdiscover.trainer.domain.CheckpointEntity;
import io.tttdiscover.trainer.domain.RolloutEntity;
import io.tttdiscover.trainer.domain.Run;
import io.tttdiscover.trainer.domain.RunStatus;
import io.tttdiscover.trainer.domain.StepMetricsEntity;
import io.tttdiscover.trainer.training.CheckpointLookup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/** Every database write and read of the trainer, each in its own transaction (callers are plain threads). */
@ApplicationScoped
public class RunStore implements CheckpointLookup {

    @Transactional
    public Run create(String id, RunConfig config, MaskSemantics maskSemantics) {
        Run run = new Run();
        run.id = id;
        run.problemId = config.problemId();
        run.config = EventCodec.encode(config);
        run.maskSemantics = maskSemantics.wire();
        run.status = RunStatus.CREATED;
        run.createdAt = System.currentTimeMillis();
        run.persist();
        return run;
    }

    @Transactional
    public Optional<Run> run(String id) {
        return Run.findByIdOptional(id);
    }

    @Transactional
    public List<Run> runs() {
        return Run.newestFirst();
    }

    @Transactional
    public Run update(String id, Consumer<Run> change) {
        Run run = Run.findById(id);
        if (run == null) {
            throw new IllegalStateException("no run " + id);
        }
        change.accept(run);
        return run;
    }

    /** Ends a run: its final status, why, and when. */
    @Transactional
    public void finish(String id, RunStatus status, String message) {
        update(id, run -> markFinished(run, status, message));
    }

    /** Marks runs another trainer process left unfinished: their loops died with it. */
    @Transactional
    public List<Run> failUnfinished(String message) {
        List<Run> runs = Run.unfinished();
        runs.forEach(run -> markFinished(run, RunStatus.FAILED, message));
        return runs;
    }

    private static void markFinished(Run run, RunStatus status, String message) {
        run.status = status;
        run.message = message;
        run.finishedAt = System.currentTimeMillis();
    }

    /** Stores a reward once: false when its candidate id was seen before (a redelivery). */
    @Transactional
    public boolean saveRollout(RewardEvent e) {
        if (RolloutEntity.byCandidate(e.candidateId()).isPresent()) {
            return false;
        }
        RolloutEntity r = new RolloutEntity();
        r.candidateId = e.candidateId();
        r.runId = e.runId();
        r.step = e.step();
        r.group = e.group();
        r.sample = e.sample();
        r.parentStateId = e.candidate().parentStateId();
        r.policyVersion = e.candidate().policyVersion();
        r.status = e.status().name();
        r.reward = e.reward();
        r.runtimeUs = e.runtimeUs();
        r.message = e.message();
        r.program = e.candidate().program();
        if (e.candidate().trace() != null) {
            r.trace = EventCodec.encode(e.candidate().trace());
            if (RunLoop.isProgramSpace(e.candidate())) {
                r.choices = EventCodec.encode(e.candidate().trace().completionTokens());
            }
        }
        r.receivedAt = System.currentTimeMillis();
        r.persist();
        return true;
    }

    @Transactional
    public Optional<RolloutEntity> rollout(String candidateId) {
        return RolloutEntity.byCandidate(candidateId);
    }

    @Transactional
    public void saveCheckpoint(String runId, int step, String backend, PolicyCheckpoint checkpoint) {
        CheckpointEntity c = new CheckpointEntity();
        c.runId = runId;
        c.version = checkpoint.version();
        c.step = step;
        c.backend = backend;
        c.weightsUri = checkpoint.weightsUri();
        c.params = checkpoint.embeddedPolicy() == null ? null : EventCodec.encode(checkpoint.embeddedPolicy());
        c.createdAt = System.currentTimeMillis();
        c.persist();
    }

    @Override
    @Transactional
    public Optional<PolicyParameters> embeddedParameters(String runId, long version) {
        return CheckpointEntity.of(runId, version).filter(c -> c.params != null).map(c -> {
            try {
                return EventCodec.mapper().readValue(c.params, PolicyParameters.class);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("checkpoint " + runId + "@" + version + " has unreadable params", e);
            }
        });
    }

    @Transactional
    public void saveMetrics(String runId, StepMetrics metrics) {
        StepMetricsEntity.of(runId, metrics).persist();
    }

    @Transactional
    public List<StepMetrics> metrics(String runId) {
        return StepMetricsEntity.ofRun(runId).stream().map(StepMetricsEntity::toMetrics).toList();
    }
}
