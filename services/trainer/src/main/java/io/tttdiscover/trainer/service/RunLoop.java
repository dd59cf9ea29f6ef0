package io.tttdiscover.trainer.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.tttdiscover.protocol.api.StepProgress;
import io.tttdiscover.protocol.event.CandidateEvent;
import io.tttdiscover.protocol.event.CheckpointEvent;
import io.tttdiscover.protocol.event.Event;
import io.tttdiscover.protocol.event.EventCodec;
import io.tttdiscover.protocol.event.MaskSemantics;
import io.tttdiscover.protocol.event.ParentState;
import io.tttdiscover.protocol.event.PromptEvent;
import io.tttdiscover.protocol.event.RewardEvent;
import io.tttdiscover.protocol.event.RewardStatus;
import io.tttdiscover.protocol.event.StepMetrics;
import io.tttdiscover.protocol.event.TokenTrace;
import io.tttdiscover.protocol.pack.ProblemPack;
import io.tttdiscover.protocol.spi.PolicyCheckpoint;
import io.tttdiscover.protocol.spi.TrainingBackend;
import io.tttdiscover.protocol.spi.TrainingSession;
import io.tttdiscover.protocol.spi.TrainingSpec;
import io.tttdiscover.trainer.algorithm.ArchiveState;
import io.tttdiscover.trainer.algorithm.EvaluatedPrograms;
import io.tttdiscover.trainer.algorithm.PuctArchive;
import io.tttdiscover.trainer.algorithm.Rollout;
import io.tttdiscover.trainer.algorithm.StepUpdate;
import io.tttdiscover.trainer.domain.RolloutEntity;
import io.tttdiscover.trainer.domain.RunStatus;
import io.tttdiscover.trainer.messaging.DatabaseRetry;
import io.tttdiscover.trainer.messaging.EventPublisher;
import io.tttdiscover.trainer.training.EmbeddedTrainingBackend;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One run's step loop. Everything it does runs on the run's own single thread, in order, so the archive and the
 * training session need no locks and the Kafka consumer thread only hands rewards over.
 *
 * <p>Step s: PUCT picks the start states, one prompt per state goes out (policy version s), rewards are collected
 * per group until every group has its samples or the step's deadline passes; then the archive is updated and pruned,
 * the policy trained, version s+1 saved and published with the step's metrics, and step s+1 begins.
 *
 * <p>Pacing: a run keeps at most {@code queuedCandidates} candidates on their way (prompted, not yet rewarded), so
 * a big run cannot bury another run's work in the topics; a step's prompts go out as its earlier groups' rewards come
 * back (at least one group is always out). With the evaluators' {@code FairGate}, active runs share evaluation in
 * turns.
 *
 * <p>Deadline: {@code groupDeadlineSeconds} after the step's latest prompt went out (one timer serves the step, reset
 * by every prompt). At the deadline, a step with prompts still to send writes off the candidates it waits for and
 * sends the next ones; a step with every prompt out trains on what arrived. A missing sample counts as a failed
 * rollout of its parent in the archive statistics (n, T) and in the step's failure count, but yields no training
 * datum (there is no token trace to train on); a group with nothing arrived is left out.
 */
final class RunLoop {
    private static final Logger LOG = Logger.getLogger(RunLoop.class);

    private final String runId;
    private final RunConfig config;
    private final MaskSemantics maskSemantics;
    private final ProblemPack pack;
    private final TrainingBackend backend;
    private final RunStore store;
    private final EventPublisher publisher;
    private final RunActivity activity;
    private final ScheduledExecutorService timers;
    private final RunThread thread;
    private PuctArchive archive = new PuctArchive();
    /** Programs of the finished steps: prompts tell the embedded policy not to draw them again. */
    private final EvaluatedPrograms evaluatedPrograms = new EvaluatedPrograms();
    private final Runnable onFinished;
    private final int queuedCandidates;

    private TrainingSession session;
    private long version;
    private Double bestSoFarUs;
    private StepInProgress current;
    private int stepReached;
    private boolean finished;

    RunLoop(String runId, RunConfig config, MaskSemantics maskSemantics, ProblemPack pack, TrainingBackend backend,
            RunStore store, EventPublisher publisher, RunActivity activity, ScheduledExecutorService timers,
            int queuedCandidates, Runnable onFinished) {
        if (queuedCandidates < 1) {
            throw new IllegalArgumentException("queuedCandidates must be >= 1, was " + queuedCandidates);
        }
        this.queuedCandidates = queuedCandidates;
        this.runId = runId;
        this.config = config;
        this.maskSemantics = maskSemantics;
        this.pack = pack;
        this.backend = backend;
        this.store = store;
        this.publisher = publisher;
        this.activity = activity;
        this.timers = timers;
        this.onFinished = onFinished;
        this.thread = new RunThread(runId, "run-" + runId);
    }

    /** True when a candidate came from the embedded policy, whose completion tokens are program-space choices. */
    static boolean isProgramSpace(CandidateEvent candidate) {
        return EmbeddedTrainingBackend.NAME.equals(candidate.backend());
    }

    /** A rollout with the program its candidate evaluated and, from the embedded policy, the choices behind it. */
    static StepUpdate.Evaluated evaluated(Rollout rollout, CandidateEvent candidate) {
        List<Integer> choices = isProgramSpace(candidate) && candidate.trace() != null
                ? List.copyOf(candidate.trace().completionTokens()) : null;
        return new StepUpdate.Evaluated(rollout, candidate.program(), choices);
    }

    void start() {
        submit(this::begin);
    }

    /**
     * Continues a run another trainer process left RUNNING, from its resume point: the step in flight with the archive,
     * policy and optimizer state it began with, the rewards of it already stored, and its remaining prompts. A run with
     * no resume point yet (the trainer died while it began) begins again.
     */
    void resume() {
        submit(this::resumeFromStore);
    }

    void offer(RewardEvent reward) {
        submit(() -> accept(reward));
    }

    void stop(String message) {
        submit(() -> finish(RunStatus.STOPPED, message));
    }

    /** Drops the run's thread at shutdown without touching the database. */
    void abandon() {
        thread.shutdownNow();
    }

    private void submit(Runnable task) {
        thread.submit(task, () -> finished, e -> finish(RunStatus.FAILED, RunThread.failure(e)));
    }

    private void begin() {
        session = backend.open(spec(), null);
        archive = new PuctArchive();
        archive.addInitial(ArchiveState.initial(pack));
        db("run start", () -> store.update(runId, r -> r.status = RunStatus.RUNNING));
        activity.statusChanged(runId, false);
        PolicyCheckpoint initial = session.initialCheckpoint();
        version = initial.version();
        db("policy v0", () -> store.saveCheckpoint(runId, 0, backend.name(), initial));
        // The sampler must hold version 0 before the first prompt asks for it.
        publishCheckpoint(0, initial, null);
        List<ArchiveState> parents = archive.select(config.groupsPerBatch());
        ResumePoint first = resumePoint(0, parents, 0, 0);
        db("resume point of step 0", () -> store.saveResumePoint(runId, first));
        beginStep(0, parents);
    }

    private TrainingSpec spec() {
        return new TrainingSpec(runId, pack, config.baseModel(), config.loraRank(), config.warmStart(),
                config.target(), config.seed());
    }

    private ResumePoint resumePoint(int step, List<ArchiveState> parents, int published, int writtenOff) {
        return new ResumePoint(step, version, bestSoFarUs, archive.snapshot(),
                parents.stream().map(ArchiveState::id).toList(), published, writtenOff, session.saveTrainingState());
    }

    private void resumeFromStore() {
        Optional<ResumePoint> point = db("resume point", () -> store.resumePoint(runId));
        if (point.isEmpty()) {
            LOG.infof("run %s: no step had begun; beginning again", runId);
            begin();
            return;
        }
        ResumePoint p = point.get();
        PolicyCheckpoint checkpoint = db("policy v" + p.version(), () -> store.checkpoint(runId, p.version()))
                .orElseThrow(() -> new IllegalStateException("run " + runId + " resumes at policy version "
                        + p.version() + ", which is not stored"));
        session = backend.resume(spec(), checkpoint, p.trainingState());
        archive = PuctArchive.restore(p.archive());
        db("evaluated programs", () -> store.evaluatedChoices(runId, p.step())).forEach(evaluatedPrograms::add);
        version = p.version();
        bestSoFarUs = p.bestSoFarUs();
        if (p.step() >= config.steps()) {
            finish(RunStatus.COMPLETED, "completed " + config.steps() + " steps");
            return;
        }
        // Again, in case the trainer died between storing this version and publishing it; the sampler keeps the
        // newest version it has, so a second copy changes nothing.
        int madeBy = Math.max(0, p.step() - 1);
        StepMetrics made = db("metrics", () -> store.metrics(runId)).stream().filter(m -> m.step() == madeBy)
                .findFirst().orElse(null);
        publishCheckpoint(madeBy, checkpoint, made);
        List<ArchiveState> parents = p.parents().stream().map(id -> archive.get(id).orElseThrow(() ->
                new IllegalStateException("run " + runId + " step " + p.step() + " starts from state " + id
                        + ", which its stored archive lacks"))).toList();
        current = new StepInProgress(p.step(), parents, System.currentTimeMillis());
        current.published = p.published();
        current.writtenOff = p.writtenOff();
        stepReached = p.step();
        int reloaded = 0;
        for (RolloutEntity stored : db("stored rewards", () -> store.rollouts(runId, p.step()))) {
            if (take(stored.candidateId, stored.group, rollout(stored), candidate(stored, p.step()))) {
                reloaded++;
            }
        }
        LOG.infof("run %s resumed at step %d (policy v%d, archive of %d states, %d of %d prompts out, %d rewards "
                + "already stored)", runId, p.step(), version, archive.size(), current.published, parents.size(),
                reloaded);
        if (current.complete(config.groupSize())) {
            finishStep(false);
            return;
        }
        armDeadline(current);
        publishMore();
        reportProgress();
    }

    private static Rollout rollout(RolloutEntity e) {
        boolean ok = RewardStatus.valueOf(e.status).success() && e.runtimeUs != null;
        return new Rollout(e.candidateId, e.group, ok ? e.reward : 0.0, ok, e.runtimeUs, trace(e));
    }

    /** The parts of a stored candidate a step uses: its program, choices and token trace. */
    private CandidateEvent candidate(RolloutEntity e, int step) {
        String backendName = e.choices != null ? EmbeddedTrainingBackend.NAME : config.trainingBackend();
        return new CandidateEvent(Event.CURRENT_SCHEMA, e.candidateId, PromptIds.of(runId, step, e.group), runId,
                step, e.group, e.sample, config.problemId(), e.parentStateId, e.policyVersion, backendName, e.program,
                trace(e), config.target(), maskSemantics, e.receivedAt);
    }

    private static TokenTrace trace(RolloutEntity e) {
        if (e.trace == null) {
            return null;
        }
        try {
            return EventCodec.mapper().readValue(e.trace, TokenTrace.class);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("rollout " + e.candidateId + " has an unreadable trace", ex);
        }
    }

    /** The step's resume point is stored (its parents chosen): now its prompts go out. */
    private void beginStep(int step, List<ArchiveState> parents) {
        current = new StepInProgress(step, parents, System.currentTimeMillis());
        stepReached = step;
        publishMore();
        reportProgress();
    }

    /** The step in flight as the terminal and the dashboard show it. */
    private void reportProgress() {
        StepInProgress s = current;
        if (s == null) {
            return;
        }
        int failed = (int) s.groups.stream().flatMap(g -> g.values().stream()).filter(r -> !r.success()).count();
        activity.stepProgress(new StepProgress(runId, s.step, config.steps(), s.published, s.parents.size(),
                config.groupSize(), s.published * config.groupSize(), s.arrived(), failed, s.startedAtMs, 0));
    }

    /** Decisions of the pack's program space (0 without one: then no program has choices to remember). */
    private int decisions() {
        return pack.hasProgramSpace() ? pack.programSpace().size() : 0;
    }

    /** Sends the step's next prompts while the run's queued candidates leave room (always at least one group). */
    private void publishMore() {
        StepInProgress step = current;
        int sent = 0;
        while (step.published < step.parents.size() && (step.outstanding(config.groupSize()) == 0
                || step.outstanding(config.groupSize()) + config.groupSize() <= queuedCandidates)) {
            int g = step.published;
            ArchiveState parent = step.parents.get(g);
            Double parentRuntime = parent.value() == null ? null : -parent.value();
            boolean embedded = EmbeddedTrainingBackend.NAME.equals(config.trainingBackend());
            String rendered = embedded ? null : pack.renderPrompt(parent.code(), parentRuntime);
            PromptEvent prompt = new PromptEvent(Event.CURRENT_SCHEMA, promptId(step.step, g), runId, step.step, g,
                    config.problemId(), new ParentState(parent.id(), parent.code(), parent.choices(), parentRuntime),
                    rendered, config.groupSize(), version, config.target(), maskSemantics, System.currentTimeMillis(),
                    embedded ? evaluatedPrograms.latest(PromptEvent.maxEvaluated(decisions())) : null);
            RunThread.await(publisher.prompt(prompt), "prompt " + prompt.promptId());
            step.published++;
            sent++;
        }
        if (sent == 0) {
            return;
        }
        db("prompts out", () -> store.savePublished(runId, step.step, step.published, step.writtenOff));
        armDeadline(step);
        LOG.infof("run %s step %d: %d prompt(s) out, %d of %d (policy v%d)", runId, step.step, sent, step.published,
                step.parents.size(), version);
    }

    /** (Re)starts the step's deadline: groupDeadlineSeconds from now. */
    private void armDeadline(StepInProgress step) {
        if (step.deadline != null) {
            step.deadline.cancel(false);
        }
        step.deadline = timers.schedule(() -> submit(() -> onDeadline(step)), config.groupDeadlineSeconds(),
                TimeUnit.SECONDS);
    }

    private String promptId(int step, int group) {
        return PromptIds.of(runId, step, group);
    }

    private void accept(RewardEvent reward) {
        if (current == null || reward.step() != current.step || reward.group() < 0
                || reward.group() >= current.published) {
            LOG.debugf("run %s: reward %s for step %d group %d kept but not counted (current step %s)", runId,
                    reward.candidateId(), reward.step(), reward.group(), current == null ? "-" : current.step);
            return;
        }
        boolean ok = reward.status().success() && reward.runtimeUs() != null;
        if (!take(reward.candidateId(), reward.group(), new Rollout(reward.candidateId(), reward.group(),
                ok ? reward.reward() : 0.0, ok, reward.runtimeUs(), reward.candidate().trace()), reward.candidate())) {
            return;
        }
        if (current.complete(config.groupSize())) {
            finishStep(false);
        } else {
            publishMore();
            reportProgress();
        }
    }

    /** Counts a rollout in the step in flight, once per candidate and at most groupSize per group. */
    private boolean take(String candidateId, int groupIndex, Rollout rollout, CandidateEvent candidate) {
        if (groupIndex < 0 || groupIndex >= current.groups.size()) {
            return false;
        }
        Map<String, Rollout> group = current.groups.get(groupIndex);
        if (group.containsKey(candidateId) || group.size() >= config.groupSize()) {
            return false;
        }
        group.put(candidateId, rollout);
        current.candidates.put(candidateId, candidate);
        return true;
    }

    private void onDeadline(StepInProgress step) {
        if (current == step && DatabaseRetry.databaseAway()) {
            LOG.warnf("run %s step %d: group deadline passed while the database is away; rewards are held back, not "
                    + "lost: waiting another %ds", runId, step.step, config.groupDeadlineSeconds());
            armDeadline(step);
        } else if (current == step && step.published < step.parents.size()) {
            int lost = step.outstanding(config.groupSize());
            LOG.warnf("run %s step %d: group deadline of %ds passed waiting for %d candidate(s); sending the next "
                    + "prompts", runId, step.step, config.groupDeadlineSeconds(), lost);
            step.writtenOff += lost;
            db("written off", () -> store.savePublished(runId, step.step, step.published, step.writtenOff));
            publishMore();
        } else if (current == step) {
            LOG.warnf("run %s step %d: group deadline of %ds passed with %d of %d samples; training on what arrived",
                    runId, step.step, config.groupDeadlineSeconds(), step.arrived(),
                    config.groupSize() * step.groups.size());
            finishStep(true);
        }
    }

    private void finishStep(boolean deadlinePassed) {
        StepInProgress step = current;
        current = null;
        long collectedAtMs = System.currentTimeMillis();
        if (step.deadline != null && !deadlinePassed) {
            step.deadline.cancel(false);
        }
        List<StepUpdate.Group> groups = new ArrayList<>();
        for (int g = 0; g < step.groups.size(); g++) {
            groups.add(new StepUpdate.Group(step.parents.get(g).id(), step.groups.get(g).values().stream()
                    .map(r -> evaluated(r, step.candidates.get(r.candidateId()))).toList()));
        }
        StepUpdate.Outcome outcome = StepUpdate.apply(groups, archive, session, config.trainSettings(),
                new StepUpdate.Step(step.step, config.groupSize(), bestSoFarUs, step.startedAtMs, pack.scoreOrder()));
        groups.forEach(g -> g.samples().forEach(e -> evaluatedPrograms.add(e.choices())));
        StepMetrics metrics = outcome.metrics();
        Double bestRuntime = outcome.best() == null ? null : outcome.best().runtimeUs();
        String bestCandidate = outcome.best() == null ? null : outcome.best().candidateId();
        if (metrics.groupsKept() == 0) {
            LOG.infof("run %s step %d: every group constant, no gradient", runId, step.step);
        }
        version++;
        PolicyCheckpoint checkpoint = session.saveForSampler(version);
        long trainedAtMs = System.currentTimeMillis();
        boolean improved = pack.scoreOrder().better(bestRuntime, bestSoFarUs);
        if (improved) {
            bestSoFarUs = bestRuntime;
        }
        String improvedCandidate = improved ? bestCandidate : null;
        int next = step.step + 1;
        List<ArchiveState> nextParents = next < config.steps() ? archive.select(config.groupsPerBatch()) : null;
        Double best = bestSoFarUs;
        // After the last step the resume point is "step = steps": a trainer killed before the run is marked
        // COMPLETED finishes it on restart instead of beginning it again.
        ResumePoint resumeNext = resumePoint(next, nextParents == null ? List.of() : nextParents, 0, 0);
        db("step " + step.step, () -> store.commitStep(runId, metrics, backend.name(), checkpoint, r -> {
            r.stepsDone = step.step + 1;
            if (nextParents != null) {
                r.currentStep = next;
            }
            if (improvedCandidate != null) {
                r.bestRuntimeUs = best;
                r.bestCandidateId = improvedCandidate;
            }
        }, resumeNext));
        publishCheckpoint(step.step, checkpoint, metrics);
        activity.stepDone(runId, metrics, bestSoFarUs, collectedAtMs - step.startedAtMs, trainedAtMs - collectedAtMs,
                System.currentTimeMillis() - trainedAtMs);
        LOG.infof("run %s step %d done: reward mean %.4f max %.4f, best %s us, kept %d groups, v%d", runId,
                step.step, metrics.rewardMean(), metrics.rewardMax(), bestSoFarUs, metrics.groupsKept(), version);
        if (nextParents != null) {
            beginStep(next, nextParents);
        } else {
            finish(RunStatus.COMPLETED, "completed " + config.steps() + " steps");
        }
    }

    /** Publishes a stored policy version (and the metrics of the step that made it) for the sampler. */
    private void publishCheckpoint(int step, PolicyCheckpoint checkpoint, StepMetrics metrics) {
        boolean embedded = checkpoint.embeddedPolicy() != null;
        CheckpointEvent event = new CheckpointEvent(Event.CURRENT_SCHEMA, runId, step, checkpoint.version(),
                backend.name(), embedded ? null : checkpoint.weightsUri(), checkpoint.embeddedPolicy(), metrics,
                System.currentTimeMillis(), config.problemId());
        RunThread.await(publisher.checkpoint(event), "checkpoint v" + checkpoint.version());
    }

    private <T> T db(String what, Supplier<T> work) {
        return thread.db(what, work);
    }

    private void db(String what, Runnable work) {
        thread.db(what, work);
    }

    private void finish(RunStatus status, String message) {
        if (finished) {
            return;
        }
        finished = true;
        if (current != null && current.deadline != null) {
            current.deadline.cancel(false);
        }
        current = null;
        try {
            db("run end", () -> store.finish(runId, status, message));
        } finally {
            if (session != null) {
                session.close();
            }
            thread.shutdown();
            onFinished.run();
            activity.statusChanged(runId, true);
        }
        LOG.infof("run %s %s: %s", runId, status, message);
        publishFinished(publisher, runId, stepReached, status, config.problemId());
    }

    /**
     * Tells the sampler and the evaluators that the run has finished, so they skip its queued work. Best effort: a
     * marker that cannot be published costs only that work being done, so it is logged, never rethrown.
     */
    static void publishFinished(EventPublisher publisher, String runId, int step, RunStatus status, String problemId) {
        try {
            RunThread.await(publisher.runFinished(runId, step, status, problemId),
                    "run-finished marker of " + runId);
        } catch (RuntimeException e) {
            LOG.warnf("run %s %s, but its queued work will still be done: %s", runId, status, e.getMessage());
        }
    }

    /** The rewards of the step being collected, per group, in arrival order. */
    private static final class StepInProgress {
        final int step;
        final List<ArchiveState> parents;
        final List<Map<String, Rollout>> groups = new ArrayList<>();
        final Map<String, CandidateEvent> candidates = new LinkedHashMap<>();
        final long startedAtMs;
        ScheduledFuture<?> deadline;
        /** Groups whose prompt went out (the first ones of {@code parents}). */
        int published;
        /** Candidates given up on at a deadline, so they no longer hold back the next prompts. */
        int writtenOff;

        StepInProgress(int step, List<ArchiveState> parents, long startedAtMs) {
            this.step = step;
            this.parents = parents;
            this.startedAtMs = startedAtMs;
            for (int g = 0; g < parents.size(); g++) {
                groups.add(new LinkedHashMap<>());
            }
        }

        boolean complete(int groupSize) {
            return groups.stream().allMatch(g -> g.size() >= groupSize);
        }

        int arrived() {
            return groups.stream().mapToInt(Map::size).sum();
        }

        /** Candidates prompted and neither rewarded nor written off. */
        int outstanding(int groupSize) {
            return Math.max(0, published * groupSize - arrived() - writtenOff);
        }
    }
}
