package io.tttdiscover.trainer.rest;

import io.tttdiscover.protocol.event.BenchmarkStat;

import java.util.List;

/**
 * The best correct candidate of a run (the fastest, for a runtime).
 *
 * @param runtimeUs   the candidate's score: a runtime in us, or whatever the pack's score is (see scoreName)
 * @param choices     its program-space choices; null when an LLM wrote it
 * @param description the choices in words; null when an LLM wrote it
 * @param scoreName   what the score is, from the pack ({@code score.name}), e.g. "sum of radii"
 * @param scoreUnit   the score's unit, e.g. "us"; empty for a pure number
 * @param message     the evaluator's message on the candidate (what it measured or built)
 * @param benchmarks  its timing on each benchmark case; empty for a reward recorded before they were stored
 */
public record BestView(String runId, String candidateId, Double runtimeUs, double reward, String program,
                       List<Integer> choices, String description, String scoreName, String scoreUnit,
                       String message, List<BenchmarkStat> benchmarks) {
}
