package io.tttdiscover.evaluator.trimul;

import io.tttdiscover.evaluator.harness.WorkerReady;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import java.util.Optional;

/** Ready once a TriMul worker has imported its stack; says on which device and hardware. */
@Readiness
@ApplicationScoped
public class TriMulHealth implements HealthCheck {
    private final TriMulEvaluator evaluator;

    public TriMulHealth(TriMulEvaluator evaluator) {
        this.evaluator = evaluator;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder b = HealthCheckResponse.named("trimul-harness");
        Optional<WorkerReady> ready = evaluator.ready();
        if (ready.isEmpty()) {
            return b.down().withData("reason", evaluator.unavailableReason()).build();
        }
        WorkerReady r = ready.get();
        b.up().withData("device", r.device());
        if (r.hardware() != null) {
            b.withData("torch", String.valueOf(r.hardware().torch()))
                    .withData("gpu", String.valueOf(r.hardware().gpuName()));
        }
        return b.build();
    }
}
