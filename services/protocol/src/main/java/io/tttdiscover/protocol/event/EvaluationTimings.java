package io.tttdiscover.protocol.event;

/**
 * Wall-clock milestones of one candidate (epoch milliseconds) and the harness's own phase durations.
 * {@code evalStartedAtMs - candidateCreatedAtMs} is the queueing latency an operator watches.
 */
public record EvaluationTimings(
        long candidateCreatedAtMs,
        long receivedAtMs,
        long evalStartedAtMs,
        long evalFinishedAtMs,
        double staticMs,
        double testMs,
        double benchmarkMs) {

    public long queueMs() {
        return evalStartedAtMs - candidateCreatedAtMs;
    }

    public long evalMs() {
        return evalFinishedAtMs - evalStartedAtMs;
    }
}
