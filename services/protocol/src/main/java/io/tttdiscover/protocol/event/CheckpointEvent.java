package io.tttdiscover.protocol.event;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * trainer -> sampler, keyed by run id on a compacted topic: the latest policy of each run survives.
 *
 * @param weightsUri      where an LLM backend finds the weights ({@code tinker://...} sampler path or an adapter path);
 *                        null for the embedded policy
 * @param embeddedPolicy  the embedded policy's parameters; null for LLM backends
 * @param metrics         the step that produced this version; null for version 0
 * @param problemId       the run's problem, so the sampler can check embedded parameters against the pack's program
 *                        space before using them; null in events from before the field
 */
public record CheckpointEvent(
        int schemaVersion,
        String runId,
        int step,
        long policyVersion,
        String backend,
        String weightsUri,
        PolicyParameters embeddedPolicy,
        StepMetrics metrics,
        long createdAtMs,
        @JsonInclude(JsonInclude.Include.NON_NULL) String problemId) implements Event {

    /** A checkpoint that does not name its problem. */
    public CheckpointEvent(int schemaVersion, String runId, int step, long policyVersion, String backend,
                           String weightsUri, PolicyParameters embeddedPolicy, StepMetrics metrics, long createdAtMs) {
        this(schemaVersion, runId, step, policyVersion, backend, weightsUri, embeddedPolicy, metrics, createdAtMs,
                null);
    }

    @Override
    public String idempotencyKey() {
        return runId + "@" + policyVersion;
    }
}
