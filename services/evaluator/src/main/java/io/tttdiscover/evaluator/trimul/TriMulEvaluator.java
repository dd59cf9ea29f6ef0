package io.tttdiscover.evaluator.trimul;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.tttdiscover.evaluator.harness.PackHarness;
import io.tttdiscover.evaluator.harness.WorkerReady;
import io.tttdiscover.evaluator.service.EvaluatorIdentity;
import io.tttdiscover.evaluator.service.HarnessSettings;
import io.tttdiscover.protocol.pack.ProblemPacks;
import io.tttdiscover.evaluator.service.Rewards;
import io.tttdiscover.evaluator.spi.Evaluator;
import io.tttdiscover.protocol.event.CandidateEvent;
import io.tttdiscover.protocol.event.MaskSemantics;
import io.tttdiscover.protocol.event.RewardEvent;
import io.tttdiscover.protocol.event.RewardStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Optional;

/**
 * TriMul: the pack's warm Python workers (problems/trimul/harness/worker.py), one per slot, started when the service
 * starts so the first candidate does not pay torch's import.
 */
@ApplicationScoped
public class TriMulEvaluator implements Evaluator {
    public static final String PROBLEM_ID = "trimul";
    private static final Logger LOG = Logger.getLogger(TriMulEvaluator.class);

    private final ProblemPacks packs;
    private final HarnessSettings settings;
    private final EvaluatorIdentity identity;
    private final MaskSemantics maskSemantics;
    private volatile PackHarness harness;
    private volatile String unavailable = "the TriMul harness has not started yet";

    /**
     * @param maskSemantics what the workers apply to a candidate that carries no mask semantics of its own (one from
     *                      before runs chose it); a candidate's own choice goes with its request
     */
    public TriMulEvaluator(ProblemPacks packs, HarnessSettings settings, EvaluatorIdentity identity,
                           @ConfigProperty(name = "discover.evaluator.trimul.mask-semantics",
                                   defaultValue = "as-specified") MaskSemantics maskSemantics) {
        this.packs = packs;
        this.settings = settings;
        this.identity = identity;
        this.maskSemantics = maskSemantics;
    }

    void start(@Observes StartupEvent ignored) {
        harness();
    }

    void stop(@Observes ShutdownEvent ignored) {
        PackHarness h = harness;
        if (h != null) {
            h.close();
        }
    }

    @Override
    public String problemId() {
        return PROBLEM_ID;
    }

    @Override
    public RewardEvent evaluate(CandidateEvent candidate, long receivedAtMs) {
        PackHarness h = harness();
        if (h == null) {
            return Rewards.failure(candidate, RewardStatus.EVALUATOR_ERROR, unavailable, identity.bare(),
                    receivedAtMs);
        }
        try {
            return h.evaluate(candidate, receivedAtMs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Rewards.failure(candidate, RewardStatus.EVALUATOR_ERROR, "evaluation interrupted (shutdown)",
                    identity.bare(), receivedAtMs);
        }
    }

    /** The device and hardware of a warm worker, or empty with the reason while none is up. */
    public Optional<WorkerReady> ready() {
        PackHarness h = harness;
        return h == null ? Optional.empty() : Optional.ofNullable(h.ready());
    }

    public String unavailableReason() {
        return harness == null ? unavailable : "no harness worker is ready yet";
    }

    /** The harness, created once; null (with the reason kept) when the pack cannot be loaded. */
    private synchronized PackHarness harness() {
        if (harness == null) {
            try {
                harness = new PackHarness(packs.get(PROBLEM_ID), settings.python(), settings.device(),
                        settings.slots(), settings::environment, List.of("--mask-semantics", maskSemantics.wire()),
                        settings.startupTimeout(), settings.timeoutMargin(), identity.version(), identity.host());
            } catch (RuntimeException e) {
                unavailable = "the TriMul harness cannot start: " + e.getMessage();
                LOG.error(unavailable);
            }
        }
        return harness;
    }
}
