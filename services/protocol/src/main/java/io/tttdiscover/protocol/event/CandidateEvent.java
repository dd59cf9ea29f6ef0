package io.tttdiscover.protocol.event;

/**
 * sampler -> evaluator, keyed by {@link #candidateId()} so one run's candidates spread over all partitions and all
 * evaluator replicas.
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
        long createdAtMs) implements Event {

    @Override
    public String idempotencyKey() {
        return candidateId;
    }
}
