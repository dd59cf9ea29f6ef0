package io.tttdiscover.evaluator.harness;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/**
 * One result line of a pack's harness worker (JSON, snake_case on the wire). See problems/_harness/worker.py for the
 * producing side.
 *
 * @param status  OK, INCORRECT, SYNTAX_ERROR, RUNTIME_ERROR, TIMEOUT, REJECTED or CRASHED
 * @param score   the pack's score (a runtime in us, or a construction's value); null unless OK
 * @param scoreUs the score of a runtime pack under its older name (harnesses that send no {@code score})
 */
public record HarnessResult(
        String id,
        String status,
        String message,
        Double score,
        Double scoreUs,
        List<Benchmark> benchmarks,
        Tests tests,
        List<String> checksFired,
        Hardware hardware,
        String maskSemantics,
        Timings timingsMs,
        Isolation isolation) {

    public record Benchmark(String name, Integer seqlen, Integer bs, Integer dim, double meanUs, double stdUs,
                            int runs, double bestUs) {
    }

    public record Tests(int passed, int total) {
    }

    public record Hardware(String device, String gpuName, String driver, String torch, String triton, String python,
                           String cpu) {
    }

    /** What the OS sandbox applied to the candidate's process (harness/isolation.py); absent without a child. */
    public record Isolation(Boolean netNs, Boolean mountNs, Boolean pidNs, Boolean readOnly, Boolean unprivileged,
                            Boolean noNewPrivs, Integer uid, Boolean userNs, List<String> errors) {

        /** One line for the reward event: the layers that held, then the steps the host refused. */
        public String summary() {
            List<String> parts = new java.util.ArrayList<>();
            if (Boolean.TRUE.equals(netNs)) {
                parts.add("net");
            }
            if (Boolean.TRUE.equals(mountNs)) {
                parts.add("mount");
            }
            if (Boolean.TRUE.equals(pidNs)) {
                parts.add("pid");
            }
            if (Boolean.TRUE.equals(readOnly)) {
                parts.add("read-only");
            }
            if (uid != null) {
                parts.add("uid " + uid);
            } else if (Boolean.TRUE.equals(userNs)) {
                parts.add("user-ns");
            }
            if (!Boolean.TRUE.equals(unprivileged)) {
                parts.add("PRIVILEGED");
            }
            if (Boolean.TRUE.equals(noNewPrivs)) {
                parts.add("no-new-privs");
            }
            String line = String.join(",", parts);
            return errors == null || errors.isEmpty() ? line : line + "; refused: " + String.join("; ", errors);
        }
    }

    /** Milliseconds per harness phase. */
    public record Timings(@JsonProperty("static") double staticMs, double load, double test, double benchmark, double total) {
    }

    /** The score: {@code score}, else {@code score_us}; null when there is none. */
    public Double effectiveScore() {
        return score != null ? score : scoreUs;
    }
}
