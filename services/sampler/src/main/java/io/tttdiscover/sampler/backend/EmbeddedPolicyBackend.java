package io.tttdiscover.sampler.backend;

import io.tttdiscover.protocol.event.CheckpointEvent;
import io.tttdiscover.protocol.event.MalformedEventException;
import io.tttdiscover.protocol.event.ParentState;
import io.tttdiscover.protocol.event.PolicyParameters;
import io.tttdiscover.protocol.event.PromptEvent;
import io.tttdiscover.protocol.event.TokenTrace;
import io.tttdiscover.protocol.pack.ProblemPack;
import io.tttdiscover.protocol.pack.ProblemPacks;
import io.tttdiscover.protocol.pack.ProgramSpace;
import io.tttdiscover.protocol.policy.ProgramSpacePolicy;
import io.tttdiscover.protocol.spi.BackendUnavailableException;
import io.tttdiscover.protocol.spi.PolicyBackend;
import io.tttdiscover.protocol.spi.Sample;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The built-in policy: a distribution over a pack's program space ({@link ProgramSpacePolicy}), its parameters
 * taken from the run's checkpoints. Sampling is seeded by (prompt id, sample index), so a redelivered prompt yields
 * the same candidates under the same ids.
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
        List<Integer> parent = parentChoices(prompt.parent(), space);
        List<boolean[]> available = space.available(targetOf(prompt));
        List<Sample> samples = new ArrayList<>(prompt.samplesWanted());
        for (int i = 0; i < prompt.samplesWanted(); i++) {
            Random rng = new Random(seed(prompt.promptId(), i));
            ProgramSpacePolicy.Choices drawn = ProgramSpacePolicy.sample(policy.parameters(), parent, available, rng);
            TokenTrace trace = new TokenTrace(parent, drawn.choices(), drawn.logprobs(), null);
            samples.add(new Sample(space.render(drawn.choices()), trace, policy.version()));
        }
        return samples;
    }

    /** The device a prompt's candidates will run on; prompts from before the field existed meant the CPU. */
    public static String targetOf(PromptEvent prompt) {
        return prompt.target() == null || prompt.target().isBlank() ? "cpu" : prompt.target();
    }

    /** The parent's choices as the policy's prompt tokens, {@link ProgramSpacePolicy#NO_PARENT} where it has none. */
    static List<Integer> parentChoices(ParentState parent, ProgramSpace space) {
        if (parent == null || parent.choices() == null || parent.choices().isEmpty()) {
            return Collections.nCopies(space.size(), ProgramSpacePolicy.NO_PARENT);
        }
        List<Integer> choices = parent.choices();
        if (choices.size() != space.size()) {
            throw new IllegalArgumentException("parent " + parent.stateId() + " has " + choices.size()
                    + " choices, the program space has " + space.size() + " decisions");
        }
        for (int d = 0; d < choices.size(); d++) {
            int c = choices.get(d);
            if (c != ProgramSpacePolicy.NO_PARENT && (c < 0 || c >= space.decisions().get(d).size())) {
                throw new IllegalArgumentException("parent " + parent.stateId() + " choice " + c
                        + " out of range for decision " + space.decisions().get(d).name());
            }
        }
        return List.copyOf(choices);
    }

    private static void checkShape(PolicyParameters p, ProgramSpace space, String runId) {
        try {
            ProgramSpacePolicy.requireShape(p, space.alternativesPerDecision());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("policy of run " + runId + " does not fit the program space of "
                    + space.problemId() + ": " + e.getMessage(), e);
        }
    }

    /** A stable 64-bit seed from the prompt id (FNV-1a) and the sample index. */
    static long seed(String promptId, int index) {
        long h = 0xcbf29ce484222325L;
        for (byte b : promptId.getBytes(StandardCharsets.UTF_8)) {
            h ^= b;
            h *= 0x100000001b3L;
        }
        return h ^ ((index + 1) * 0x9E3779B97F4A7C15L);
    }
}
