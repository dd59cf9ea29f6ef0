package io.tttdiscover.sampler.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;

/** This sampler's {@code discover_*} Prometheus series: candidates sampled, prompts dropped, time per prompt. */
@ApplicationScoped
public class SamplerMetrics {
    private final MeterRegistry registry;

    public SamplerMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** A prompt's candidates were published. */
    public void sampled(String problemId, String backend, int candidates, Duration took) {
        Counter.builder("discover.candidates.sampled").description("Candidates sampled and published")
                .tag("problem", problemId).tag("backend", backend).register(registry).increment(candidates);
        Timer.builder("discover.sampling").description("Wall time to sample and publish one prompt's candidates")
                .tag("problem", problemId).tag("backend", backend).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(30))
                .register(registry).record(took);
    }

    /** A prompt was not sampled: its run had finished, or it was a redelivery. */
    public void dropped(String problemId, String reason) {
        Counter.builder("discover.prompts.dropped").description("Prompts not sampled, by reason")
                .tag("problem", problemId).tag("reason", reason).register(registry).increment();
    }
}
