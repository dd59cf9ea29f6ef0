package io.tttdiscover.trainer.rest;

import io.tttdiscover.protocol.event.BenchmarkStat;

import java.util.List;

/**
 * The fastest correct candidate of a run.
 *
 * @param choices     its program-space choices; null when an LLM wrote it
 * @param description the choices in words; null when an LLM wrote it
 * @param benchmarks  its timing on each benchmark case; empty for a reward recorded before they were stored
 */
public record BestView(String runId, String candidateId, Double runtimeUs, double reward, String program,
                       List<Integer> choices, String description, List<BenchmarkStat> benchmarks) {
}
