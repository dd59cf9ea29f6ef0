package io.tttdiscover.protocol.event;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * trainer -> sampler and evaluator, on a compacted topic. Two kinds share it, each under its own key so compaction
 * keeps both: a policy version keyed by run id (the latest policy of each run survives), and the run-finished marker
 * keyed {@code <runId>#finished} ({@link #finishedKey}), which carries {@code finished} and no policy. On the marker
 * the sampler drops the run's prompts and the evaluators cancel its candidates.
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
        @JsonInclude(JsonInclude.Include.NON_NULL) String problemId,
        @JsonInclude(JsonInclude.Include.NON_NULL) String finished) implements Event {

    /** Marks the marker's key apart from the run id that keys its policy versions. */
    public static final String FINISHED_KEY_SUFFIX = "#finished";

    /** A checkpoint that does not name its problem. */
    public CheckpointEvent(int schemaVersion, String runId, int step, long policyVersion, String backend,
                           String weightsUri, PolicyParameters embeddedPolicy, StepMetrics metrics, long createdAtMs) {
        this(schemaVersion, runId, step, policyVersion, backend, weightsUri, embeddedPolicy, metrics, createdAtMs,
                null, null);
    }

    /** A policy version of a run. */
    public CheckpointEvent(int schemaVersion, String runId, int step, long policyVersion, String backend,
                           String weightsUri, PolicyParameters embeddedPolicy, StepMetrics metrics, long createdAtMs,
                           String problemId) {
        this(schemaVersion, runId, step, policyVersion, backend, weightsUri, embeddedPolicy, metrics, createdAtMs,
                problemId, null);
    }

    /** The marker that a run has finished with {@code status}, at {@code step}; it carries no policy. */
    public static CheckpointEvent runFinished(String runId, int step, String status, String problemId) {
        return new CheckpointEvent(Event.CURRENT_SCHEMA, runId, step, -1, null, null, null, null,
                System.currentTimeMillis(), problemId, status);
    }

    public static String finishedKey(String runId) {
        return runId + FINISHED_KEY_SUFFIX;
    }

    /** True for the run-finished marker, which is no policy. */
    public boolean marksRunFinished() {
        return finished != null;
    }

    /** The record key: the run id for a policy version, {@link #finishedKey} for the marker. */
    public String key() {
        return marksRunFinished() ? finishedKey(runId) : runId;
    }

    @Override
    public String idempotencyKey() {
        return marksRunFinished() ? finishedKey(runId) : runId + "@" + policyVersion;
    }
}
