package io.tttdiscover.trainer.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.tttdiscover.protocol.event.EventCodec;
import io.tttdiscover.protocol.event.MaskSemantics;
import io.tttdiscover.protocol.event.PolicyParameters;
import io.tttdiscover.protocol.event.RewardEvent;
import io.tttdiscover.protocol.event.StepMetrics;
import io.tttdiscover.protocol.spi.PolicyCheckpoint;
import io.tttdiscover.trainer.algorithm.PuctArchive;
import io.tttdiscover.trainer.domain.CheckpointEntity;
import io.tttdiscover.trainer.domain.RolloutEntity;
import io.tttdiscover.trainer.domain.Run;
import io.tttdiscover.trainer.domain.RunStateEntity;
import io.tttdiscover.trainer.domain.RunStatus;
import io.tttdiscover.trainer.domain.StepMetricsEntity;
import io.tttdiscover.trainer.training.CheckpointLookup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/** Every database write and read of the trainer, each in its own transaction (callers are plain threads). */
@ApplicationScoped
public class RunStore implements CheckpointLookup {

    @Transactional
    public Run create(String id, RunConfig config, MaskSemantics maskSemantics) {
        return create(id, config, maskSemantics, null);
    }

    /** A run that replays a recorded one ({@code replay} null: a live run). */
    @Transactional
    public Run create(String id, RunConfig config, MaskSemantics maskSemantics, Replay replay) {
        Run run = new Run();
        run.replay = replay == null ? null : EventCodec.encode(replay);
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

    /** Ends a run: its final status, why, and when; it has nothing left to resume. */
    @Transactional
    public void finish(String id, RunStatus status, String message) {
        update(id, run -> markFinished(run, status, message));
        RunStateEntity.deleteById(id);
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
        if (e.benchmarks() != null && !e.benchmarks().isEmpty()) {
            r.benchmarks = EventCodec.encode(e.benchmarks());
        }
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

    /** Stores a policy version once: a resumed step that saves it again changes nothing. */
    @Transactional
    public void saveCheckpoint(String runId, int step, String backend, PolicyCheckpoint checkpoint) {
        if (CheckpointEntity.of(runId, checkpoint.version()).isPresent()) {
            return;
        }
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

    /**
     * A step is done, all at once: its metrics, the new policy version, the run's row and the resume point of the
     * next step (step = steps after the last one). A trainer killed before this commits redoes the step from its stored
     * rollouts; after it, goes on with the next.
     */
    @Transactional
    public void commitStep(String runId, StepMetrics metrics, String backend, PolicyCheckpoint checkpoint,
                           Consumer<Run> change, ResumePoint next) {
        saveMetrics(runId, metrics);
        saveCheckpoint(runId, metrics.step(), backend, checkpoint);
        update(runId, change);
        saveResumePoint(runId, next);
    }

    /**
     * A replay's step is done, all at once: its metrics, the new policy version and the run's row. A replay keeps no
     * resume point (it starts again instead).
     */
    @Transactional
    public void commitReplayStep(String runId, StepMetrics metrics, String backend, PolicyCheckpoint checkpoint,
                                 Consumer<Run> change) {
        saveMetrics(runId, metrics);
        saveCheckpoint(runId, metrics.step(), backend, checkpoint);
        update(runId, change);
    }

    /** Writes the run's resume point (a step began, or more of its prompts went out). */
    @Transactional
    public void saveResumePoint(String runId, ResumePoint p) {
        RunStateEntity found = RunStateEntity.findById(runId);
        RunStateEntity e = found != null ? found : new RunStateEntity();
        e.runId = runId;
        e.step = p.step();
        e.version = p.version();
        e.bestSoFarUs = p.bestSoFarUs();
        e.archive = EventCodec.encode(p.archive());
        e.parents = EventCodec.encode(p.parents());
        e.published = p.published();
        e.writtenOff = p.writtenOff();
        e.trainingState = p.trainingState();
        e.updatedAt = System.currentTimeMillis();
        if (found == null) {
            e.persist();
        }
    }

    /** How far the step in flight got: its prompts out and candidates written off. */
    @Transactional
    public void savePublished(String runId, int step, int published, int writtenOff) {
        RunStateEntity e = RunStateEntity.findById(runId);
        if (e != null && e.step == step) {
            e.published = published;
            e.writtenOff = writtenOff;
            e.updatedAt = System.currentTimeMillis();
        }
    }

    @Transactional
    public Optional<ResumePoint> resumePoint(String runId) {
        return RunStateEntity.<RunStateEntity>findByIdOptional(runId).map(e -> {
            try {
                return new ResumePoint(e.step, e.version, e.bestSoFarUs,
                        EventCodec.mapper().readValue(e.archive, PuctArchive.Snapshot.class),
                        List.of(EventCodec.mapper().readValue(e.parents, String[].class)), e.published, e.writtenOff,
                        e.trainingState);
            } catch (JsonProcessingException ex) {
                throw new IllegalStateException("run " + runId + " has an unreadable resume point: " + ex.getMessage(),
                        ex);
            }
        });
    }

    /** The rewards of one step of a run that were stored, in arrival order. */
    @Transactional
    public List<RolloutEntity> rollouts(String runId, int step) {
        return RolloutEntity.list("runId = ?1 and step = ?2 order by id", runId, step);
    }

    /**
     * The choices of the run's program-space candidates rewarded in the steps before {@code beforeStep}, in the order
     * stored (what {@link io.tttdiscover.trainer.algorithm.EvaluatedPrograms} rebuilds on a resume).
     */
    @Transactional
    public List<List<Integer>> evaluatedChoices(String runId, int beforeStep) {
        List<String> rows = RolloutEntity.getEntityManager().createQuery("select r.choices from RolloutEntity r "
                + "where r.runId = ?1 and r.step < ?2 and r.choices is not null order by r.id", String.class)
                .setParameter(1, runId).setParameter(2, beforeStep).getResultList();
        List<List<Integer>> out = new ArrayList<>(rows.size());
        for (String row : rows) {
            try {
                out.add(List.of(EventCodec.mapper().readValue(row, Integer[].class)));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("run " + runId + " has a rollout with unreadable choices", e);
            }
        }
        return out;
    }

    /** The runs a trainer left CREATED or RUNNING: this trainer resumes them. */
    @Transactional
    public List<Run> unfinished() {
        return Run.unfinished();
    }

    /** A stored policy version, as the checkpoint it was published as. */
    @Transactional
    public Optional<PolicyCheckpoint> checkpoint(String runId, long version) {
        return CheckpointEntity.of(runId, version).map(c -> {
            try {
                return new PolicyCheckpoint(c.version, c.weightsUri, c.params == null ? null
                        : EventCodec.mapper().readValue(c.params, PolicyParameters.class));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("checkpoint " + runId + "@" + version + " has unreadable params", e);
            }
        });
    }

    /** The run's newest stored policy version. */
    @Transactional
    public Optional<CheckpointEntity> latestCheckpoint(String runId) {
        return CheckpointEntity.latest(runId);
    }

    /** Every stored reward of a run, in arrival order, without program texts: its archive as a tree. */
    @Transactional
    public List<ArchiveNode> archive(String runId) {
        return RolloutEntity.getEntityManager().createQuery("select new " + ArchiveNode.class.getName()
                + "(r.candidateId, r.parentStateId, r.step, r.group, r.status, r.runtimeUs, r.reward)"
                + " from RolloutEntity r where r.runId = ?1 order by r.id", ArchiveNode.class)
                .setParameter(1, runId).getResultList();
    }

    @Transactional
    public List<StepMetrics> metrics(String runId) {
        return StepMetricsEntity.ofRun(runId).stream().map(StepMetricsEntity::toMetrics).toList();
    }
}
