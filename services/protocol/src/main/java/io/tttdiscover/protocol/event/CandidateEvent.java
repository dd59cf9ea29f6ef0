package io.tttdiscover.protocol.event;

/**
 * sampler -> evaluator, keyed by {@link #candidateId()} so one run's candidates spread over all partitions and all
 * evaluator replicas.
 *
 * @param maskSemantics copied from the prompt: how the evaluator applies the problem's mask; null in events from
 *                      before the field (the evaluator then applies its own default)
 */
public record CandidateEvent(
        int schemaVersion,
        String candidateId,
        String promptId,
        String runId,
        int step,
        int group,
        int sample,
        String problemId,
        String parentStateId,
        long policyVersion,
        String backend,
        String program,
        TokenTrace trace,
        String target,
        MaskSemantics maskSemantics,
        long createdAtMs) implements Event {

    @Override
    public String idempotencyKey() {
        return candidateId;
    }
}
