package io.tttdiscover.cli.report;

import io.tttdiscover.protocol.event.EvaluationTimings;
import io.tttdiscover.protocol.event.RewardEvent;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * How fast the evaluators got through a set of candidates published together (a re-score run): from the first
 * candidate's publication to the last evaluation's end, so queueing and an evaluator that finished early both count.
 *
 * @param evaluated   candidates with evaluation timings
 * @param spanMs      first publication to last evaluation end
 * @param busyMs      sum of the evaluation times
 * @param byEvaluator evaluations per evaluator process (the host it names: a pod, or a local replica)
 */
public record EvaluationThroughput(int evaluated, long spanMs, long busyMs, Map<String, Integer> byEvaluator) {

    public static EvaluationThroughput of(List<RewardEvent> rewards) {
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        long busy = 0;
        int n = 0;
        Map<String, Integer> by = new TreeMap<>();
        for (RewardEvent r : rewards) {
            EvaluationTimings t = r.timings();
            if (t == null || t.evalStartedAtMs() <= 0 || t.evalFinishedAtMs() < t.evalStartedAtMs()) {
                continue;
            }
            n++;
            first = Math.min(first, t.candidateCreatedAtMs());
            last = Math.max(last, t.evalFinishedAtMs());
            busy += t.evalMs();
            String who = r.evaluator() == null || r.evaluator().host() == null ? "?" : r.evaluator().host();
            by.merge(who, 1, Integer::sum);
        }
        return new EvaluationThroughput(n, n == 0 ? 0 : last - first, busy, Map.copyOf(by));
    }

    public double perHour() {
        return spanMs <= 0 ? Double.NaN : evaluated * 3_600_000.0 / spanMs;
    }

    public String render() {
        if (evaluated == 0) {
            return "throughput: no candidate evaluated\n";
        }
        StringBuilder by = new StringBuilder();
        new TreeMap<>(byEvaluator).forEach((k, v) -> by.append(by.isEmpty() ? "" : ", ").append(k).append(' ')
                .append(v));
        return String.format(Locale.ROOT, "throughput: %d candidates in %.1f s from the first publication to the last "
                        + "evaluation's end, %.0f per hour; evaluating %.1f s in all (by evaluator: %s)%n", evaluated,
                spanMs / 1e3, perHour(), busyMs / 1e3, Objects.toString(by, ""));
    }
}
