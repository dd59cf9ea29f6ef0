package io.tttdiscover.protocol.event;

/**
 * trainer -> sampler, keyed by {@link #promptId()}: one group of a step, to be sampled {@code samplesWanted} times
 * from policy version {@code policyVersion} or newer.
 *
 * @param target        where candidates will run ("cpu" or "cuda"): the sampler must not emit programs that cannot run
 *                      there
 * @param maskSemantics the run's mask semantics, copied into every candidate; null in events from before the field
 *                      (the evaluator then applies its own default)
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
        long createdAtMs) implements Event {

    @Override
    public String idempotencyKey() {
        return promptId;
    }
}
