package io.tttdiscover.evaluator.harness;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/**
 * One result line of a pack's harness worker (JSON, snake_case on the wire). See the pack's harness/worker.py for
 * the producing side.
 *
 * @param status OK, INCORRECT, SYNTAX_ERROR, RUNTIME_ERROR, TIMEOUT, REJECTED or CRASHED
 */
public record HarnessResult(
        String id,
        String status,
        String message,
        Double scoreUs,
        List<Benchmark> benchmarks,
        Tests tests,
        List<String> checksFired,
        Hardware hardware,
        String maskSemantics,
        Timings timingsMs) {

    public record Benchmark(String name, Integer seqlen, Integer bs, Integer dim, double meanUs, double stdUs,
                            int runs, double bestUs) {
    }

    public record Tests(int passed, int total) {
    }

    public record Hardware(String device, String gpuName, String driver, String torch, String triton, String python,
                           String cpu) {
    }

    /** Milliseconds per harness phase. */
    public record Timings(@JsonProperty("static") double staticMs, double load, double test, double benchmark, double total) {
    }
}
