package io.tttdiscover.evaluator.pack;

import io.tttdiscover.evaluator.harness.WorkerReady;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import java.util.Map;
import java.util.Optional;

/** Ready once every pack's harness has a worker that imported its stack; says on which device and hardware. */
@Readiness
@ApplicationScoped
public class PackHealth implements HealthCheck {
    private final PackEvaluators evaluators;

    public PackHealth(PackEvaluators evaluators) {
        this.evaluators = evaluators;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder b = HealthCheckResponse.named("pack-harnesses").up();
        for (Map.Entry<String, PackEvaluator> e : evaluators.all().entrySet()) {
            Optional<WorkerReady> ready = e.getValue().ready();
            if (ready.isEmpty()) {
                b.down().withData(e.getKey(), "down: " + e.getValue().unavailableReason());
                continue;
            }
            WorkerReady r = ready.get();
            b.withData(e.getKey(), r.device() + (r.hardware() == null ? ""
                    : ", torch " + r.hardware().torch() + ", gpu " + r.hardware().gpuName()));
        }
        return b.build();
    }
}
