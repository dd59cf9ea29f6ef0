package io.tttdiscover.protocol.event;

import java.util.List;

/**
 * evaluator -> trainer, keyed by run id. Carries the whole candidate, so the rewards topic alone is enough to replay
 * a run: rebuild the archive, re-train from recorded experience, or re-score with another evaluator.
 *
 * @param runtimeUs the problem's score (geometric mean of benchmark means), null unless {@code status} is OK
 */
public record RewardEvent(
        int schemaVersion,
        String runId,
        int step,
        int group,
        int sample,
        String problemId,
        RewardStatus status,
        String message,
        double reward,
        Double runtimeUs,
        List<BenchmarkStat> benchmarks,
        TestSummary tests,
        List<String> checksFired,
        EvaluatorInfo evaluator,
        EvaluationTimings timings,
        CandidateEvent candidate) implements Event {

    /**
     * The check that fires (status REJECTED) when a program is over its pack's {@code max_program_bytes}; the
     * candidate then carries the program's size and SHA-256 instead of its text.
     */
    public static final String CHECK_PROGRAM_TOO_LARGE = "program-too-large";

    @Override
    public String idempotencyKey() {
        return candidate.candidateId();
    }

    public String candidateId() {
        return candidate.candidateId();
    }
}
