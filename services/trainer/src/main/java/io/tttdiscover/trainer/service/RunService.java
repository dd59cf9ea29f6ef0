package io.tttdiscover.trainer.service;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.tttdiscover.protocol.event.MaskSemantics;
import io.tttdiscover.protocol.event.RewardEvent;
import io.tttdiscover.protocol.pack.ProblemPack;
import io.tttdiscover.protocol.spi.TrainingBackend;
import io.tttdiscover.trainer.domain.Run;
import io.tttdiscover.trainer.domain.RunStatus;
import io.tttdiscover.trainer.messaging.EventPublisher;
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

/** Creates, stops and feeds runs; each active run has its own {@link RunLoop}. */
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

    /** How many candidates of one run may be on their way at once (prompted, not yet rewarded): see RunLoop. */
    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "discover.trainer.queued-candidates-per-run",
            defaultValue = "128")
    int queuedCandidates;

    private final Map<String, RunLoop> active = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "run-deadlines");
        t.setDaemon(true);
        return t;
    });

    void onStart(@Observes StartupEvent event) {
        List<Run> failed = store.failUnfinished("the trainer restarted while this run was active; start a new run "
                + "(warm start from its last checkpoint with embedded:<runId>@<version>)");
        if (!failed.isEmpty()) {
            LOG.warnf("marked %d unfinished run(s) of an earlier trainer process FAILED", failed.size());
        }
        // Not awaited: startup must not wait on the broker; a marker that does not go out is logged.
        for (Run run : failed) {
            publisher.runFinished(run.id, run.currentStep, RunStatus.FAILED, run.problemId)
                    .whenComplete((done, e) -> {
                        if (e != null) {
                            LOG.warnf("run %s FAILED, but its queued work will still be done: %s", run.id,
                                    e.getMessage());
                        }
                    });
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        // No database writes while shutting down: the next start marks these runs FAILED.
        active.values().forEach(RunLoop::abandon);
        timers.shutdownNow();
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
        String id = "run-" + UUID.randomUUID().toString().substring(0, 8);
        Run run = store.create(id, config, mask);
        RunLoop loop = new RunLoop(id, config, mask, pack, backend, store, publisher, timers, queuedCandidates,
                () -> active.remove(id));
        active.put(id, loop);
        loop.start();
        return run;
    }

    public Optional<Run> stop(String id) {
        Optional<Run> run = store.run(id);
        if (run.isEmpty() || run.get().status.finished()) {
            return run;
        }
        RunLoop loop = active.get(id);
        if (loop != null) {
            loop.stop("stopped on request");
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
        RunLoop loop = active.get(reward.runId());
        if (loop != null) {
            loop.offer(reward);
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
