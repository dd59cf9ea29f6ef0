package io.tttdiscover.sampler.backend;

import io.tttdiscover.protocol.event.CheckpointEvent;
import io.tttdiscover.protocol.event.MalformedEventException;
import io.tttdiscover.protocol.event.PolicyParameters;
import io.tttdiscover.protocol.event.PromptEvent;
import io.tttdiscover.protocol.pack.ProblemPack;
import io.tttdiscover.protocol.pack.ProblemPacks;
import io.tttdiscover.protocol.pack.ProgramSpace;
import io.tttdiscover.protocol.policy.ProgramSpacePolicy;
import io.tttdiscover.protocol.spi.BackendUnavailableException;
import io.tttdiscover.protocol.spi.PolicyBackend;
import io.tttdiscover.protocol.spi.Sample;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The built-in policy: a distribution over a pack's program space ({@link ProgramSpacePolicy}), its parameters
 * taken from the run's checkpoints. Sampling is seeded by (prompt id, sample index), so a redelivered prompt yields
 * the same candidates under the same ids ({@link ProgramSpacePolicy#samplePrompt}).
 */
@ApplicationScoped
public class EmbeddedPolicyBackend implements PolicyBackend {
    public static final String NAME = "embedded";
    private static final Logger LOG = Logger.getLogger(EmbeddedPolicyBackend.class);

    private final Map<String, LoadedPolicy> policies = new ConcurrentHashMap<>();
    private final ProblemPacks packs;

    private record LoadedPolicy(long version, PolicyParameters parameters) {
    }

    public EmbeddedPolicyBackend(ProblemPacks packs) {
        this.packs = packs;
    }

    @Override
    public String name() {
        return NAME;
    }

    /**
     * Takes a checkpoint's parameters once they fit: exactly the shape of the problem's program space when the
     * checkpoint names its problem, else the shape of the run's policy held so far; finite values either way.
     *
     * @throws MalformedEventException when they do not fit; the run keeps the policy it had
     */
    @Override
    public void onCheckpoint(CheckpointEvent checkpoint) {
        if (checkpoint.embeddedPolicy() == null) {
            LOG.warnf("checkpoint %s@%d carries no embedded parameters (backend %s); ignored",
                    checkpoint.runId(), checkpoint.policyVersion(), checkpoint.backend());
            return;
        }
        try {
            requireFits(checkpoint);
        } catch (IllegalArgumentException e) {
            throw new MalformedEventException("checkpoint " + checkpoint.idempotencyKey() + " not used: "
                    + e.getMessage(), e);
        }
        LoadedPolicy offered = new LoadedPolicy(checkpoint.policyVersion(), checkpoint.embeddedPolicy());
        // Checkpoints may arrive out of order (replay, redelivery): a run only ever moves forward.
        policies.merge(checkpoint.runId(), offered, (held, next) -> next.version() > held.version() ? next : held);
    }

    private void requireFits(CheckpointEvent checkpoint) {
        PolicyParameters p = checkpoint.embeddedPolicy();
        if (checkpoint.problemId() != null) {
            ProgramSpace space = packs.get(checkpoint.problemId()).programSpace();
            try {
                ProgramSpacePolicy.requireShape(p, space.alternativesPerDecision());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(e.getMessage() + " (program space of " + checkpoint.problemId()
                        + ": alternatives per decision " + space.alternativesPerDecision() + ")", e);
            }
            return;
        }
        LoadedPolicy held = policies.get(checkpoint.runId());
        if (held == null) {
            ProgramSpacePolicy.requireWellFormed(p);
        } else {
            ProgramSpacePolicy.requireShape(p, ProgramSpacePolicy.shape(held.parameters()));
        }
    }

    @Override
    public long loadedVersion(String runId) {
        LoadedPolicy loaded = policies.get(runId);
        return loaded == null ? -1 : loaded.version();
    }

    @Override
    public List<Sample> sample(PromptEvent prompt, ProblemPack pack) {
        LoadedPolicy policy = policies.get(prompt.runId());
        if (policy == null) {
            throw new BackendUnavailableException("no policy loaded for run " + prompt.runId());
        }
        ProgramSpace space = pack.programSpace();
        checkShape(policy.parameters(), space, prompt.runId());
        return ProgramSpacePolicy.samplePrompt(policy.parameters(), policy.version(), space, prompt.parent(),
                targetOf(prompt), prompt.promptId(), prompt.samplesWanted(), prompt.evaluated());
    }

    /** The device a prompt's candidates will run on; prompts from before the field existed meant the CPU. */
    public static String targetOf(PromptEvent prompt) {
        return prompt.target() == null || prompt.target().isBlank() ? "cpu" : prompt.target();
    }

    private static void checkShape(PolicyParameters p, ProgramSpace space, String runId) {
        try {
            ProgramSpacePolicy.requireShape(p, space.alternativesPerDecision());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("policy of run " + runId + " does not fit the program space of "
                    + space.problemId() + ": " + e.getMessage(), e);
        }
    }
}
