package io.tttdiscover.cli.report;

import io.tttdiscover.protocol.event.EvaluationTimings;
import io.tttdiscover.protocol.event.RewardEvent;

import java.util.List;
import java.util.Objects;

/**
 * How the pipeline behaved during a run, from the timings every reward carries.
 *
 * @param medianQueueMs  median time from a candidate's publication to the start of its evaluation
 * @param medianEvalMs   median evaluation time of one candidate
 * @param evalBusyMs     sum of evaluation times
 * @param busyFraction   evalBusyMs / run wall time: how much of the run the evaluator spent evaluating (can exceed
 *                       1 with several evaluator workers)
 */
public record PipelineFigures(int rewards, double medianQueueMs, double medianEvalMs, long evalBusyMs,
                              double busyFraction) {

    public static PipelineFigures of(List<RewardEvent> rewards, long runWallMs) {
        List<EvaluationTimings> t = rewards.stream().map(RewardEvent::timings).filter(Objects::nonNull)
                .filter(x -> x.evalStartedAtMs() > 0 && x.evalFinishedAtMs() >= x.evalStartedAtMs()).toList();
        long busy = t.stream().mapToLong(EvaluationTimings::evalMs).sum();
        return new PipelineFigures(t.size(),
                median(t.stream().mapToDouble(EvaluationTimings::queueMs).toArray()),
                median(t.stream().mapToDouble(EvaluationTimings::evalMs).toArray()),
                busy, runWallMs > 0 ? (double) busy / runWallMs : Double.NaN);
    }

    static double median(double[] xs) {
        if (xs.length == 0) {
            return Double.NaN;
        }
        double[] s = xs.clone();
        java.util.Arrays.sort(s);
        int m = s.length / 2;
        return s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2;
    }
}
