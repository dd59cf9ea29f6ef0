package io.tttdiscover.trainer.training;

import io.tttdiscover.protocol.event.EventCodec;
import io.tttdiscover.protocol.event.PolicyParameters;
import io.tttdiscover.protocol.pack.Decision;
import io.tttdiscover.protocol.pack.ProgramSpace;
import io.tttdiscover.protocol.policy.ProgramSpacePolicy;
import io.tttdiscover.protocol.spi.PolicyCheckpoint;
import io.tttdiscover.protocol.spi.TrainingBackend;
import io.tttdiscover.protocol.spi.TrainingSession;
import io.tttdiscover.protocol.spi.TrainingSpec;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Trains the embedded program-space policy in this process: the same IS loss and Adam as an LLM backend, on a policy
 * with a few dozen parameters.
 *
 * <p>The base policy (for KL shaping) is the fresh initial policy, whatever the warm start: like an LLM's base model
 * without its adapter. Warm starts: {@code embedded:<runId>@<version>} (a checkpoint stored by this trainer) or
 * {@code file:<path>} (a JSON {@link PolicyParameters}).
 */
@ApplicationScoped
public class EmbeddedTrainingBackend implements TrainingBackend {
    public static final String NAME = "embedded";
    /**
     * Default learning rate, with {@link io.tttdiscover.protocol.spi.AdamParams#embedded} (no momentum): Adam moves
     * a parameter with a consistent gradient by about lr per step whatever the advantage scale, so one step's
     * evidence moves an edit's logit by about lr, e^lr in odds, and the policy remembers which edits paid and which
     * did not. On the H200 stage model ({@code discover simulate}, 512 evaluations, within 5 % of the space's best,
     * the default 1 group x 8, seeds 0-319) the relative-edit policy needed a median of 87 evaluations with learning
     * switched off (1e-6; 3 of 320 seeds never got there), 77.5 at 1.0, 71 at 2.0 and 71 at 3.0 (69 at 2.0 on seeds
     * 320-639). Session 8 measured 183 (1e-6), 177.5 (0.1) and 138.5 (1.0) with 2 groups x 8 and without the
     * untried-near tier of {@link io.tttdiscover.protocol.policy.ProgramSpacePolicy#drawEdits}.
     */
    public static final double DEFAULT_LEARNING_RATE = 2.0;
    /**
     * Initial logit bonus for keeping the parent's choice, so a child is an edit of its parent, as an LLM edits the
     * program in its prompt: with 2.0 a 7-way decision keeps the parent's choice with probability 0.55 (0.22 with
     * the former 0.5, which made children near-random recombinations and PUCT's start states matter little). On the
     * H200 stage model of TriMul's space ({@code discover simulate}, 512 evaluations, 20 seeds not used to choose it)
     * 9 of 20 runs came within 5 % of the space's best against 3 of 20 with 0.5 (median best 1,199 vs 1,233 us).
     */
    public static final double INITIAL_KEEP_BIAS = 2.0;
    /**
     * The form of a new run's policy: {@link PolicyParameters#RELATIVE_EDIT}, every child one change of its parent,
     * rated against the choice it replaces, a group's children distinct changes. On the H200 stage model of TriMul's
     * space ({@code discover simulate}, 512 evaluations, 2 groups x 8, within 5 % of the space's best, seeds 0-39) it
     * needed a median of 138.5 evaluations (37 of 40 seeds) against 196.5 (36 of 40) for
     * {@link PolicyParameters#ONE_EDIT} with learning rate 0.1 and the paper's Adam, whose learning did not pay; at a
     * default run's 128 evaluations 36 of 40 seeds came within 25 % (median best 1,200.8 us) against 33 of 40
     * (1,248.2 us). The per-decision form, whose children change ~4 decisions at once, learned misleading marginals
     * (float16 LayerNorm rows look slow until the fused projection is in place): 5 of 10 seeds.
     */
    public static final String INITIAL_FORM = PolicyParameters.RELATIVE_EDIT;

    private final CheckpointLookup checkpoints;

    @Inject
    public EmbeddedTrainingBackend(CheckpointLookup checkpoints) {
        this.checkpoints = checkpoints;
    }

    @Override
    public String name() {
        return NAME;
    }

    public static String checkpointUri(String runId, long version) {
        return NAME + ":" + runId + "@" + version;
    }

    @Override
    public TrainingSession open(TrainingSpec spec, PolicyCheckpoint resumeFrom) {
        if (!spec.pack().hasProgramSpace()) {
            throw new IllegalArgumentException("problem " + spec.pack().id()
                    + " declares no program space, so the embedded policy cannot write programs for it");
        }
        ProgramSpace space = spec.pack().programSpace();
        List<Integer> sizes = space.decisions().stream().map(Decision::size).toList();
        PolicyParameters start = null;
        long version = 0;
        if (resumeFrom != null) {
            start = resumeFrom.embeddedPolicy();
            version = resumeFrom.version();
        } else if (spec.warmStartUri() != null && !spec.warmStartUri().isBlank()) {
            start = warmStart(spec.warmStartUri());
        }
        // the base has the form of what is trained (a run resumed from before the one-edit form stays per-decision)
        PolicyParameters base = ProgramSpacePolicy.initial(sizes, INITIAL_KEEP_BIAS,
                start != null ? start.form() : INITIAL_FORM);
        if (start == null) {
            start = base;
        }
        FlatParameters layout = new FlatParameters(sizes, start.form());
        layout.flatten(start);
        return new EmbeddedTrainingSession(spec.runId(), layout, space.choosable(spec.target()), base, start,
                version);
    }

    @Override
    public TrainingSession resume(TrainingSpec spec, PolicyCheckpoint checkpoint, String trainingState) {
        EmbeddedTrainingSession session = (EmbeddedTrainingSession) open(spec, checkpoint);
        if (trainingState != null) {
            session.restoreTrainingState(trainingState);
        }
        return session;
    }

    PolicyParameters warmStart(String uri) {
        if (uri.startsWith(NAME + ":")) {
            String ref = uri.substring(NAME.length() + 1);
            int at = ref.lastIndexOf('@');
            if (at <= 0) {
                throw new IllegalArgumentException("warm start " + uri + " is not embedded:<runId>@<version>");
            }
            String runId = ref.substring(0, at);
            long version;
            try {
                version = Long.parseLong(ref.substring(at + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("warm start " + uri + " has no numeric version", e);
            }
            return checkpoints.embeddedParameters(runId, version).orElseThrow(() ->
                    new IllegalArgumentException("no embedded checkpoint " + runId + "@" + version));
        }
        if (uri.startsWith("file:")) {
            Path file = Path.of(uri.substring("file:".length()));
            try {
                return EventCodec.mapper().readValue(file.toFile(), PolicyParameters.class);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read warm-start parameters " + file, e);
            }
        }
        throw new IllegalArgumentException("the embedded backend cannot warm-start from " + uri
                + " (use embedded:<runId>@<version> or file:<path>)");
    }
}
