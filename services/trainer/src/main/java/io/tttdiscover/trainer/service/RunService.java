package io.tttdiscover.trainer.service;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.tttdiscover.protocol.event.EventCodec;
import io.tttdiscover.protocol.event.MaskSemantics;
import io.tttdiscover.protocol.event.RewardEvent;
import io.tttdiscover.protocol.pack.ProblemPack;
import io.tttdiscover.protocol.spi.TrainingBackend;
import io.tttdiscover.trainer.domain.Run;
import io.tttdiscover.trainer.domain.RunStatus;
import io.tttdiscover.trainer.messaging.EventPublisher;
import io.tttdiscover.trainer.messaging.RecordedRewards;
import io.tttdiscover.trainer.training.EmbeddedTrainingBackend;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;

/**
 * Creates, stops and feeds runs; each active run has its own {@link RunLoop}, each active replay run its own
 * {@link ReplayLoop}.
 */
@ApplicationScoped
public class RunService {
    private static final Logger LOG = Logger.getLogger(RunService.class);

    @Inject
    RunStore store;

    @Inject
    EventPublisher publisher;

    /** Every TrainingBackend bean; a run picks one by name, so a new backend is a new bean, not a change here. */
    @Inject
    Instance<TrainingBackend> backends;

    @Inject
    ProblemPacks packs;

    @Inject
    RunLimits limits;

    @Inject
    RecordedRewards recorded;

    @Inject
    RunActivity activity;

    /** How many candidates of one run may be on their way at once (prompted, not yet rewarded): see RunLoop. */
    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "discover.trainer.queued-candidates-per-run",
            defaultValue = "128")
    int queuedCandidates;

    private final Map<String, RunLoop> active = new ConcurrentHashMap<>();
    private final Map<String, ReplayLoop> replays = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "run-deadlines");
        t.setDaemon(true);
        return t;
    });

    /**
     * Resumes every run an earlier trainer process left CREATED or RUNNING (it was killed, or restarted): each goes on
     * at its step in flight (RunLoop#resume). A run that cannot go on here (its problem pack or training backend is
     * gone) is marked FAILED with the reason.
     */
    void onStart(@Observes StartupEvent event) {
        resumeUnfinished();
    }

    void resumeUnfinished() {
        List<Run> unfinished = store.unfinished();
        for (Run run : unfinished) {
            if (run.replay != null) {
                String why = "the trainer restarted; a replay run does not resume (start it again)";
                LOG.warnf("run %s: %s", run.id, why);
                store.finish(run.id, RunStatus.FAILED, why);
                RunLoop.publishFinished(publisher, run.id, run.currentStep, RunStatus.FAILED, run.problemId);
                continue;
            }
            try {
                RunConfig config = EventCodec.mapper().readValue(run.config, RunConfig.class);
                ProblemPack pack = problem(config.problemId()).orElseThrow(() -> new IllegalStateException(
                        "its problem " + config.problemId() + " is not in the problems directory any more"));
                RunLoop loop = loop(run.id, config, MaskSemantics.parse(run.maskSemantics), pack,
                        backend(config.trainingBackend()));
                // Registered before it reads what was stored, so a reward stored from now on is also handed to it.
                active.put(run.id, loop);
                loop.resume();
                LOG.infof("run %s (%s at step %d) resumes", run.id, run.status, run.currentStep);
            } catch (RuntimeException | com.fasterxml.jackson.core.JsonProcessingException e) {
                String why = "the trainer restarted and cannot resume this run: " + e.getMessage();
                LOG.warnf("run %s: %s", run.id, why);
                store.finish(run.id, RunStatus.FAILED, why);
                RunLoop.publishFinished(publisher, run.id, run.currentStep, RunStatus.FAILED, run.problemId);
            }
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        abandonLoops();
        timers.shutdownNow();
    }

    /** Drops every run's loop without a database write, as a killed process would: the next start resumes them. */
    void abandonLoops() {
        active.values().forEach(RunLoop::abandon);
        active.clear();
        replays.values().forEach(ReplayLoop::abandon);
        replays.clear();
    }

    /**
     * Checks everything before it stores anything: a rejected run leaves no trace.
     *
     * @param requestedMask the run's mask semantics; null: the problem pack's default
     * @throws RunConfig.InvalidSetting for a setting out of bounds, an unknown problem or backend
     */
    public Run create(RunConfig config, MaskSemantics requestedMask) {
        config.checkWithin(limits);
        ProblemPack pack = problem(config.problemId()).orElseThrow(() -> new RunConfig.InvalidSetting("problemId",
                "no problem " + RunConfig.shown(config.problemId()) + " (known: " + String.join(", ", problemIds())
                        + ")"));
        MaskSemantics mask = requestedMask != null ? requestedMask : pack.maskSemantics();
        TrainingBackend backend = backend(config.trainingBackend());
        String id = newId();
        Run run = store.create(id, config, mask);
        RunLoop loop = loop(id, config, mask, pack, backend);
        active.put(id, loop);
        loop.start();
        return run;
    }

    /**
     * A run that replays a recorded one from the {@code rewards} topic alone: its shape (problem, target, steps, groups,
     * group size) is read from the recorded rewards first, then {@code configOf} makes the run's settings from it.
     *
     * @param requestedMask null: the recorded candidates' mask semantics (or the pack's default)
     * @throws RunConfig.InvalidSetting when the topic holds no evaluated reward of the run, or for a setting as
     *                                  {@link #create}
     */
    public Run createReplay(Replay replay, Function<RecordedShape, RunConfig> configOf, MaskSemantics requestedMask) {
        String field = replay.kind() == Replay.Kind.RETRAIN ? "replayOf" : "rescoreOf";
        RecordedShape.Builder shaping = new RecordedShape.Builder();
        recorded.read(replay.of(), replay.start(), shaping::add);
        RecordedShape shape = shaping.build().orElseThrow(() -> new RunConfig.InvalidSetting(field,
                "no evaluated reward of run " + RunConfig.shown(replay.of()) + " on the rewards topic"
                        + (replay.fromOffset() == null && replay.fromTimeMs() == null ? "" : " from the start asked")));
        RunConfig config = configOf.apply(shape);
        config.checkWithin(limits);
        ProblemPack pack = problem(config.problemId()).orElseThrow(() -> new RunConfig.InvalidSetting(field,
                "run " + replay.of() + " was on problem " + RunConfig.shown(config.problemId()) + ", which is not in "
                        + "the problems directory"));
        MaskSemantics mask = requestedMask != null ? requestedMask
                : shape.maskSemantics() != null ? shape.maskSemantics() : pack.maskSemantics();
        String id = newId();
        ReplayLoop loop;
        if (replay.kind() == Replay.Kind.RETRAIN) {
            TrainingBackend backend = backend(config.trainingBackend());
            boolean embeddedCandidates = EmbeddedTrainingBackend.NAME.equals(shape.backend());
            if (embeddedCandidates != EmbeddedTrainingBackend.NAME.equals(backend.name())) {
                throw new RunConfig.InvalidSetting("trainingBackend", "run " + replay.of() + "'s candidates came from "
                        + "the " + RunConfig.shown(shape.backend()) + " policy, which the " + backend.name()
                        + " training backend cannot train on");
            }
            loop = new RetrainLoop(id, config, replay, pack, backend, store, publisher, recorded,
                    () -> replays.remove(id));
        } else {
            loop = new RescoreLoop(id, config, replay, mask, store, publisher, recorded, timers,
                    () -> replays.remove(id));
        }
        Run run = store.create(id, config, mask, replay);
        replays.put(id, loop);
        loop.start();
        LOG.infof("run %s %s run %s (%d evaluated rewards, %d steps of %d x %d)", id,
                replay.kind() == Replay.Kind.RETRAIN ? "re-trains" : "re-scores", replay.of(), shape.rewards(),
                shape.steps(), shape.groupsPerBatch(), shape.groupSize());
        return run;
    }

    private static String newId() {
        return "run-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private RunLoop loop(String id, RunConfig config, MaskSemantics mask, ProblemPack pack, TrainingBackend backend) {
        return new RunLoop(id, config, mask, pack, backend, store, publisher, activity, timers, queuedCandidates,
                () -> active.remove(id));
    }

    public Optional<Run> stop(String id) {
        Optional<Run> run = store.run(id);
        if (run.isEmpty() || run.get().status.finished()) {
            return run;
        }
        RunLoop loop = active.get(id);
        ReplayLoop replay = replays.get(id);
        if (loop != null) {
            loop.stop("stopped on request");
        } else if (replay != null) {
            replay.stop("stopped on request");
        } else {
            store.finish(id, RunStatus.STOPPED, "stopped on request");
            RunLoop.publishFinished(publisher, id, run.get().currentStep, RunStatus.STOPPED, run.get().problemId);
        }
        return store.run(id);
    }

    /** Stores the reward (once per candidate id) and hands a first delivery to its run, if that run is active. */
    public void onReward(RewardEvent reward) {
        if (!store.saveRollout(reward)) {
            LOG.debugf("reward for candidate %s seen before; ignored", reward.candidateId());
            return;
        }
        activity.rewardStored(reward);
        RunLoop loop = active.get(reward.runId());
        if (loop != null) {
            loop.offer(reward);
        }
        ReplayLoop replay = replays.get(reward.runId());
        if (replay != null) {
            replay.offer(reward);
        }
    }

    /** The pack of a problem id; empty for an id that names no pack (or no safe folder name). */
    public Optional<ProblemPack> problem(String id) {
        return packs.find(id);
    }

    /** The ids of the packs in the problems directory, sorted. */
    public List<String> problemIds() {
        return packs.ids();
    }

    public List<String> backendNames() {
        return backends.stream().map(TrainingBackend::name).toList();
    }

    private TrainingBackend backend(String name) {
        return backends.stream().filter(b -> b.name().equals(name)).findFirst()
                .orElseThrow(() -> new RunConfig.InvalidSetting("trainingBackend", "no training backend "
                        + RunConfig.shown(name) + " (available: " + String.join(", ", backendNames()) + ")"));
    }
}
