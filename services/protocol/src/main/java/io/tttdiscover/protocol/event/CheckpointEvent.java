package io.tttdiscover.protocol.event;

/**
 * trainer -> sampler, keyed by run id on a compacted topic: the latest policy of each run survives.
 *
 * @param weightsUri      where an LLM backend finds the weights ({@code tinker://...} sampler path or an adapter path);
 *                        null for the embedded policy
 * @param embeddedPolicy  the embedded policy's parameters; null for LLM backends
 * @param metrics         the step that produced this version; null for version 0
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
        long createdAtMs) implements Event {

    @Override
    public String idempotencyKey() {
        return runId + "@" + policyVersion;
    }
}
