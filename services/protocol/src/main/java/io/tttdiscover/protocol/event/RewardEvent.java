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

    @Override
    public String idempotencyKey() {
        return candidate.candidateId();
    }

    public String candidateId() {
        return candidate.candidateId();
    }
}
