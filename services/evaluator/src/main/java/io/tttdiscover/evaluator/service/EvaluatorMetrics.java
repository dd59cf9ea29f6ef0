package io.tttdiscover.evaluator.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;
import io.tttdiscover.protocol.event.RewardEvent;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;

/**
 * This evaluator's {@code discover_*} Prometheus series: candidates answered by status, how long evaluations and the
 * wait before them took, and how busy the worker slots are (the {@link FairGate}'s occupancy).
 */
@Startup
@ApplicationScoped
public class EvaluatorMetrics {
    private final MeterRegistry registry;

    public EvaluatorMetrics(MeterRegistry registry, FairGate gate) {
        this.registry = registry;
        Gauge.builder("discover.evaluator.workers", gate, FairGate::slots)
                .description("Worker slots of this evaluator").register(registry);
        Gauge.builder("discover.evaluator.workers.busy", gate, FairGate::busy)
                .description("Worker slots evaluating a candidate now").register(registry);
        Gauge.builder("discover.evaluator.candidates.waiting", gate, FairGate::waiting)
                .description("Candidates read ahead, waiting for a worker slot").register(registry);
    }

    /** A reward was published for a candidate (evaluated, failed, rejected or cancelled). */
    public void answered(RewardEvent reward) {
        String status = reward.status().name();
        Counter.builder("discover.candidates.evaluated").description("Candidates answered with a reward, by status")
                .tag("problem", reward.problemId()).tag("status", status).register(registry).increment();
        if (reward.timings() == null || reward.timings().evalStartedAtMs() <= 0) {
            return;
        }
        Timer.builder("discover.evaluation").description("Wall time of one candidate's evaluation")
                .tag("problem", reward.problemId()).tag("status", status).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(30))
                .register(registry).record(Duration.ofMillis(Math.max(0, reward.timings().evalMs())));
        Timer.builder("discover.evaluation.queue").description("From the candidate's creation to its evaluation's start")
                .tag("problem", reward.problemId()).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofHours(1))
                .register(registry).record(Duration.ofMillis(Math.max(0, reward.timings().queueMs())));
    }
}
