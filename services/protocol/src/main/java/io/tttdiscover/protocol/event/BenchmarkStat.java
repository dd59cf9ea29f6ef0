package io.tttdiscover.protocol.event;

/** Timing of one benchmark case, in microseconds. */
public record BenchmarkStat(String name, double meanUs, double stdUs, int runs, double bestUs) {
}
