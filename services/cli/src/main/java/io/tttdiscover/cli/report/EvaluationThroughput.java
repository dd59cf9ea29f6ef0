package io.tttdiscover.cli.report;

import io.tttdiscover.protocol.event.EvaluationTimings;
import io.tttdiscover.protocol.event.RewardEvent;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * How fast the evaluators got through a set of candidates published together (a re-score run): from the first
 * candidate's publication to the last evaluation's end, so queueing and an evaluator that finished early both count.
 *
 * @param evaluated   candidates with evaluation timings
 * @param spanMs      first publication to last evaluation end
 * @param busyMs      sum of the evaluation times
 * @param testMs      sum of the harness's test phases (correctness checks, compilation included)
 * @param benchmarkMs sum of the harness's timed phases
 * @param byEvaluator per evaluator process (the host it names: a pod, or a local replica)
 */
public record EvaluationThroughput(int evaluated, long spanMs, long busyMs, double testMs, double benchmarkMs,
                                   Map<String, Share> byEvaluator) {

    /**
     * One evaluator's part.
     *
     * @param lastEndMs its last evaluation's end, from the first publication
     */
    public record Share(int evaluated, long busyMs, long lastEndMs) {
    }

    public static EvaluationThroughput of(List<RewardEvent> rewards) {
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        List<RewardEvent> timed = rewards.stream().filter(r -> {
            EvaluationTimings t = r.timings();
            return t != null && t.evalStartedAtMs() > 0 && t.evalFinishedAtMs() >= t.evalStartedAtMs();
        }).toList();
        for (RewardEvent r : timed) {
            first = Math.min(first, r.timings().candidateCreatedAtMs());
            last = Math.max(last, r.timings().evalFinishedAtMs());
        }
        long busy = 0;
        double test = 0;
        double bench = 0;
        Map<String, Share> by = new TreeMap<>();
        for (RewardEvent r : timed) {
            EvaluationTimings t = r.timings();
            busy += t.evalMs();
            test += t.testMs();
            bench += t.benchmarkMs();
            String who = r.evaluator() == null || r.evaluator().host() == null ? "?" : r.evaluator().host();
            long end = t.evalFinishedAtMs() - first;
            by.merge(who, new Share(1, t.evalMs(), end), (a, b) -> new Share(a.evaluated() + b.evaluated(),
                    a.busyMs() + b.busyMs(), Math.max(a.lastEndMs(), b.lastEndMs())));
        }
        return new EvaluationThroughput(timed.size(), timed.isEmpty() ? 0 : last - first, busy, test, bench,
                Map.copyOf(by));
    }

    public double perHour() {
        return spanMs <= 0 ? Double.NaN : evaluated * 3_600_000.0 / spanMs;
    }

    /** Evaluations per evaluator. */
    public Map<String, Integer> counts() {
        Map<String, Integer> counts = new TreeMap<>();
        byEvaluator.forEach((k, v) -> counts.put(k, v.evaluated()));
        return counts;
    }

    public String render() {
        if (evaluated == 0) {
            return "throughput: no candidate evaluated\n";
        }
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "throughput: %d candidates in %.1f s from the "
                        + "first publication to the last evaluation's end, %.0f per hour; evaluating %.1f s in all "
                        + "(tests %.1f s, timing %.1f s)%n", evaluated, spanMs / 1e3, perHour(), busyMs / 1e3,
                testMs / 1e3, benchmarkMs / 1e3));
        new TreeMap<>(byEvaluator).forEach((k, v) -> sb.append(String.format(Locale.ROOT,
                "  %-28s %3d evaluated, busy %.1f s, done at %.1f s%n", k, v.evaluated(), v.busyMs() / 1e3,
                v.lastEndMs() / 1e3)));
        return sb.toString();
    }
}
