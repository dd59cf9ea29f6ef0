package io.tttdiscover.trainer.service;

import io.tttdiscover.protocol.event.CheckpointEvent;
import io.tttdiscover.protocol.event.Event;
import io.tttdiscover.protocol.event.RewardEvent;
import io.tttdiscover.protocol.event.StepMetrics;
import io.tttdiscover.protocol.pack.ProblemPack;
import io.tttdiscover.protocol.spi.PolicyCheckpoint;
import io.tttdiscover.protocol.spi.TrainingBackend;
import io.tttdiscover.protocol.spi.TrainingSession;
import io.tttdiscover.protocol.spi.TrainingSpec;
import io.tttdiscover.trainer.algorithm.ArchiveState;
import io.tttdiscover.trainer.algorithm.PuctArchive;
import io.tttdiscover.trainer.algorithm.Rollout;
import io.tttdiscover.trainer.algorithm.StepUpdate;
import io.tttdiscover.trainer.domain.RunStatus;
import io.tttdiscover.trainer.messaging.EventPublisher;
import io.tttdiscover.trainer.messaging.RecordedRewards;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;

/**
 * Re-trains a policy from a recorded run's experience: no prompts go out; each recorded step (its rewards from the
 * {@code rewards} topic, see {@link RecordedSteps}) goes through the same update as a live step: the archive is
 * updated and pruned, {@link TrainStep} trains the run's own training session with the run's own settings, and the new
 * policy version is stored and published with the step's metrics. A step keeps the recorded run's step number.
 *
 * <p>With the recorded run's settings and starting policy, an embedded re-train reproduces the recorded policy
 * exactly (the same data, in the same order, through the same arithmetic). Its {@code klSampleTrain} is then the
 * divergence that matters: on each step's recorded samples, the recorded policy's logprobs (the sampler's) minus the
 * re-trained policy's, before the step's update.
 */
final class RetrainLoop extends ReplayLoop {
    private static final Logger LOG = Logger.getLogger(RetrainLoop.class);

    private final ProblemPack pack;
    private final TrainingBackend backend;
    private TrainingSession session;
    private PuctArchive archive;
    private long version;
    private Double bestSoFarUs;
    private int stepsDone;

    RetrainLoop(String runId, RunConfig config, Replay replay, ProblemPack pack, TrainingBackend backend,
                RunStore store, EventPublisher publisher, RecordedRewards recorded, Runnable onFinished) {
        super(runId, config, replay, store, publisher, recorded, onFinished);
        this.pack = pack;
        this.backend = backend;
    }

    @Override
    protected void begin() {
        session = backend.open(new TrainingSpec(runId, pack, config.baseModel(), config.loraRank(),
                config.warmStart(), config.target(), config.seed()), null);
        archive = new PuctArchive();
        archive.addInitial(ArchiveState.initial(pack));
        db("run start", () -> store.update(runId, r -> r.status = RunStatus.RUNNING));
        PolicyCheckpoint initial = session.initialCheckpoint();
        version = initial.version();
        db("policy v0", () -> store.saveCheckpoint(runId, 0, backend.name(), initial));
        publishCheckpoint(0, initial, null);
        RecordedSteps steps = new RecordedSteps(config.groupsPerBatch(), this::train);
        RecordedRewards.Read read = recorded.read(replay.of(), replay.start(), r -> {
            steps.add(r);
            return !stopRequested();
        });
        if (stopRequested()) {
            return;
        }
        steps.end();
        if (stopRequested()) {
            return;
        }
        finish(RunStatus.COMPLETED, String.format(Locale.ROOT, "re-trained %d step(s) on %d reward(s) of run %s "
                        + "(rewards partition %d, offsets %d..%d; %d redelivered, %d arrived after their step, "
                        + "%d cancelled, %d malformed: skipped)", stepsDone, read.rewards() - steps.late()
                        - steps.cancelled(), replay.of(), read.partition(), read.fromOffset(), read.toOffset(),
                read.duplicates(), steps.late(), steps.cancelled(), read.malformed()));
    }

    @Override
    protected void accept(RewardEvent reward) {
        // A re-train publishes no prompts, so no reward names it (RewardCheck refuses one that does).
    }

    @Override
    protected void release() {
        if (session != null) {
            session.close();
        }
    }

    /** One recorded step, as RunLoop's finishStep trains a live one. */
    private void train(RecordedSteps.Step step) {
        if (stopRequested()) {
            return;
        }
        long startedAtMs = System.currentTimeMillis();
        List<StepUpdate.Group> groups = new ArrayList<>();
        Map<String, RewardEvent> byCandidate = new HashMap<>();
        for (List<RewardEvent> recordedGroup : step.groups()) {
            String parent = recordedGroup.isEmpty() ? null : recordedGroup.get(0).candidate().parentStateId();
            List<StepUpdate.Evaluated> samples = new ArrayList<>();
            for (RewardEvent r : recordedGroup) {
                samples.add(RunLoop.evaluated(rollout(r), r.candidate()));
                byCandidate.put(r.candidateId(), r);
            }
            groups.add(new StepUpdate.Group(parent, samples));
        }
        StepUpdate.Outcome outcome = StepUpdate.apply(groups, archive, session, config.trainSettings(),
                new StepUpdate.Step(step.step(), config.groupSize(), bestSoFarUs, startedAtMs, pack.scoreOrder()));
        StepMetrics metrics = outcome.metrics();
        RewardEvent best = outcome.best() == null ? null : byCandidate.get(outcome.best().candidateId());
        version++;
        PolicyCheckpoint checkpoint = session.saveForSampler(version);
        RewardEvent improved = best != null && pack.scoreOrder().better(best.runtimeUs(), bestSoFarUs) ? best : null;
        if (improved != null) {
            bestSoFarUs = improved.runtimeUs();
        }
        stepsDone++;
        int done = stepsDone;
        db("step " + step.step(), () -> store.commitReplayStep(runId, metrics, backend.name(), checkpoint, r -> {
            r.stepsDone = done;
            r.currentStep = step.step();
            if (improved != null) {
                r.bestRuntimeUs = improved.runtimeUs();
                r.bestCandidateId = improved.candidateId();
            }
        }));
        publishCheckpoint(step.step(), checkpoint, metrics);
        LOG.infof("replay run %s re-trained step %d of run %s: %d reward(s), reward mean %.4f, KL(recorded || "
                        + "re-trained) %.3g, v%d", runId, step.step(), replay.of(), step.rewards(),
                metrics.rewardMean(), metrics.klSampleTrain(), version);
    }

    private static Rollout rollout(RewardEvent r) {
        boolean ok = r.status().success() && r.runtimeUs() != null;
        return new Rollout(r.candidateId(), r.group(), ok ? r.reward() : 0.0, ok, r.runtimeUs(),
                r.candidate().trace());
    }

    private void publishCheckpoint(int step, PolicyCheckpoint checkpoint, StepMetrics metrics) {
        boolean embedded = checkpoint.embeddedPolicy() != null;
        CheckpointEvent event = new CheckpointEvent(Event.CURRENT_SCHEMA, runId, step, checkpoint.version(),
                backend.name(), embedded ? null : checkpoint.weightsUri(), checkpoint.embeddedPolicy(), metrics,
                System.currentTimeMillis(), config.problemId());
        RunThread.await(publisher.checkpoint(event), "checkpoint v" + checkpoint.version());
    }
}
