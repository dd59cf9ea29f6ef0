package io.tttdiscover.protocol.event;

import java.util.List;

/**
 * trainer -> sampler, keyed by {@link #promptId()}: one group of a step, to be sampled {@code samplesWanted} times
 * from policy version {@code policyVersion} or newer.
 *
 * @param target        where candidates will run ("cpu" or "cuda"): the sampler must not emit programs that cannot run
 *                      there
 * @param maskSemantics the run's mask semantics, copied into every candidate; null in events from before the field
 *                      (the evaluator then applies its own default)
 * @param evaluated     for the embedded program-space policy: the choices of the programs the run evaluated in the
 *                      steps before this one (the latest {@link #maxEvaluated}), which its edits avoid while they can;
 *                      null otherwise and in events from before the field
 */
public record PromptEvent(
        int schemaVersion,
        String promptId,
        String runId,
        int step,
        int group,
        String problemId,
        ParentState parent,
        String renderedPrompt,
        int samplesWanted,
        long policyVersion,
        String target,
        MaskSemantics maskSemantics,
        long createdAtMs,
        List<List<Integer>> evaluated) implements Event {

    /** At most this many choices travel in {@link #evaluated} in all (2 to 4 bytes each as JSON: ~200 KiB). */
    public static final int MAX_EVALUATED_CHOICES = 65_536;

    /**
     * How many programs of a space with {@code decisions} decisions travel in {@link #evaluated}: what keeps the
     * prompt well under Kafka's default 1 MiB record whatever the space (4,096 programs of TriMul's 16 decisions).
     */
    public static int maxEvaluated(int decisions) {
        return MAX_EVALUATED_CHOICES / Math.max(1, decisions);
    }

    /** A prompt without {@link #evaluated}. */
    public PromptEvent(int schemaVersion, String promptId, String runId, int step, int group, String problemId,
                       ParentState parent, String renderedPrompt, int samplesWanted, long policyVersion,
                       String target, MaskSemantics maskSemantics, long createdAtMs) {
        this(schemaVersion, promptId, runId, step, group, problemId, parent, renderedPrompt, samplesWanted,
                policyVersion, target, maskSemantics, createdAtMs, null);
    }

    @Override
    public String idempotencyKey() {
        return promptId;
    }
}
