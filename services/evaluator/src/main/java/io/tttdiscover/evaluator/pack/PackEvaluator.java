package io.tttdiscover.evaluator.pack;

import io.tttdiscover.evaluator.harness.PackHarness;
import io.tttdiscover.evaluator.harness.WorkerReady;
import io.tttdiscover.evaluator.service.EvaluatorIdentity;
import io.tttdiscover.evaluator.service.HarnessSettings;
import io.tttdiscover.evaluator.service.Rewards;
import io.tttdiscover.evaluator.spi.Evaluator;
import io.tttdiscover.protocol.event.CandidateEvent;
import io.tttdiscover.protocol.event.RewardEvent;
import io.tttdiscover.protocol.event.RewardStatus;
import io.tttdiscover.protocol.pack.ProblemPack;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Any problem pack with a Python harness: the pack's warm workers (problems/_harness/worker.py unless the pack names
 * its own), one per slot, started with this evaluator's worker options ({@link HarnessSettings#workerOptions()}), then
 * the pack's {@code harness_options}. One per pack found in the problems directory ({@link PackEvaluators}); a problem
 * needs no Java of its own.
 */
public final class PackEvaluator implements Evaluator {
    private static final Logger LOG = Logger.getLogger(PackEvaluator.class);

    private final ProblemPack pack;
    private final HarnessSettings settings;
    private final EvaluatorIdentity identity;
    private volatile PackHarness harness;
    private volatile String unavailable;

    public PackEvaluator(ProblemPack pack, HarnessSettings settings, EvaluatorIdentity identity) {
        this.pack = pack;
        this.settings = settings;
        this.identity = identity;
        this.unavailable = "the " + pack.id() + " harness has not started yet";
    }

    @Override
    public String problemId() {
        return pack.id();
    }

    @Override
    public RewardEvent evaluate(CandidateEvent candidate, long receivedAtMs) {
        PackHarness h = start();
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

    /** The device and hardware of a warm worker, or empty while none is up. */
    public Optional<WorkerReady> ready() {
        PackHarness h = harness;
        return h == null ? Optional.empty() : Optional.ofNullable(h.ready());
    }

    public String unavailableReason() {
        return harness == null ? unavailable : "no harness worker is ready yet";
    }

    /** The harness, created once (its workers start in the background); null, with the reason kept, on failure. */
    synchronized PackHarness start() {
        if (harness == null) {
            try {
                List<String> options = new ArrayList<>(settings.workerOptions());
                options.addAll(pack.harnessOptions());
                harness = new PackHarness(pack, settings.python(), settings.device(), settings.slots(),
                        settings::environment, options, settings.startupTimeout(),
                        settings.timeoutMargin(), identity.version(), identity.host());
            } catch (RuntimeException e) {
                unavailable = "the " + pack.id() + " harness cannot start: " + e.getMessage();
                LOG.error(unavailable);
            }
        }
        return harness;
    }

    synchronized void close() {
        if (harness != null) {
            harness.close();
        }
    }
}
