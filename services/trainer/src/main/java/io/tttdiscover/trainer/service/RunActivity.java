package io.tttdiscover.trainer.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import io.tttdiscover.protocol.api.StepProgress;
import io.tttdiscover.protocol.event.RewardEvent;
import io.tttdiscover.protocol.event.StepMetrics;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * What the runs do, as others watch it: the trainer's {@code discover_*} Prometheus series, the progress of each
 * step in flight, and the stream of {@link RunUpdate}s the dashboard follows. Called by the run loops and the reward
 * consumer; holds nothing a run needs to go on.
 */
@ApplicationScoped
public class RunActivity {
    /** The latest figures of each run, read by its gauges. */
    private final Map<String, StepMetrics> latest = new ConcurrentHashMap<>();
    private final Map<String, Double> bestSoFar = new ConcurrentHashMap<>();
    private final Map<String, StepProgress> progress = new ConcurrentHashMap<>();
    private final BroadcastProcessor<RunUpdate> updates = BroadcastProcessor.create();
    private final MeterRegistry registry;
    private final Timer stepDuration;

    public RunActivity(MeterRegistry registry) {
        this.registry = registry;
        this.stepDuration = Timer.builder("discover.step.duration").description("Wall time of a training step")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(100))
                .maximumExpectedValue(Duration.ofHours(2)).register(registry);
        Gauge.builder("discover.runs.active", progress, Map::size)
                .description("Runs with a step in flight on this trainer").register(registry);
    }

    /** A reward was stored for the first time. */
    public void rewardStored(RewardEvent reward) {
        Counter.builder("discover.rewards.received").description("Rewards stored by the trainer (first deliveries)")
                .tag("problem", reward.problemId()).tag("status", reward.status().name()).register(registry)
                .increment();
        emit(reward.runId(), "reward", reward.step());
    }

    /** The step in flight moved on (prompts out, a reward counted). */
    public void stepProgress(StepProgress p) {
        progress.put(p.runId(), p);
    }

    public Optional<StepProgress> progress(String runId) {
        return Optional.ofNullable(progress.get(runId)).map(p -> new StepProgress(p.runId(), p.step(), p.steps(),
                p.groupsOut(), p.groups(), p.groupSize(), p.asked(), p.evaluated(), p.failed(), p.startedAtMs(),
                System.currentTimeMillis() - p.startedAtMs()));
    }

    /**
     * A step was committed.
     *
     * @param collectMs from the step's start until its last reward (or deadline)
     * @param trainMs   the archive update, advantages, the optimizer step and saving the sampler's weights
     * @param commitMs  the database transaction and the checkpoint's publication
     */
    public void stepDone(String runId, StepMetrics m, Double bestSoFarUs, long collectMs, long trainMs,
                         long commitMs) {
        stepDuration.record(Duration.ofMillis(collectMs + trainMs + commitMs));
        phase("collect").record(Duration.ofMillis(collectMs));
        phase("train").record(Duration.ofMillis(trainMs));
        phase("commit").record(Duration.ofMillis(commitMs));
        if (latest.put(runId, m) == null) {
            runGauge(runId, "discover.run.reward.max", "Highest reward of the run's latest step", StepMetrics::rewardMax);
            runGauge(runId, "discover.run.reward.mean", "Mean reward of the run's latest step", StepMetrics::rewardMean);
            runGauge(runId, "discover.run.frac.mixed", "Fraction of the latest step's groups with mixed rewards",
                    StepMetrics::fracMixed);
            runGauge(runId, "discover.run.beta", "Entropic beta of the latest step", StepMetrics::beta);
            runGauge(runId, "discover.run.kl", "KL(policy || base) at the latest step", StepMetrics::klPolicyBase);
            runGauge(runId, "discover.run.steps", "Steps the run has completed", s -> s.step() + 1);
            Gauge.builder("discover.run.best.runtime", bestSoFar, b -> b.getOrDefault(runId, Double.NaN))
                    .description("Best (lowest) runtime of the run so far").baseUnit("microseconds").tag("run", runId)
                    .register(registry);
        }
        if (bestSoFarUs != null) {
            bestSoFar.put(runId, bestSoFarUs);
        }
        emit(runId, "step", m.step());
    }

    /** The run began, or ended (its step in flight is gone). */
    public void statusChanged(String runId, boolean ended) {
        if (ended) {
            progress.remove(runId);
        }
        emit(runId, "status", -1);
    }

    /** Every update from now on. */
    public Multi<RunUpdate> updates() {
        return updates;
    }

    private Timer phase(String phase) {
        return Timer.builder("discover.step.phase").description("Wall time of a phase of a training step")
                .tag("phase", phase).publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofHours(2)).register(registry);
    }

    private void runGauge(String runId, String name, String description, ToDoubleFunction<StepMetrics> value) {
        Gauge.builder(name, latest, l -> {
            StepMetrics m = l.get(runId);
            return m == null ? Double.NaN : value.applyAsDouble(m);
        }).description(description).tag("run", runId).register(registry);
    }

    /** Synchronized: the processor's subscribers expect one signal at a time. */
    private synchronized void emit(String runId, String kind, int step) {
        updates.onNext(new RunUpdate(runId, kind, step, System.currentTimeMillis()));
    }
}
