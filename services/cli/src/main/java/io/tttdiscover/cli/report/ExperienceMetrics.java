package io.tttdiscover.cli.report;

import io.tttdiscover.protocol.event.RewardEvent;
import io.tttdiscover.protocol.event.RewardStatus;
import io.tttdiscover.protocol.event.StepMetrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Per-step metrics rebuilt from recorded experience alone (the rewards of a run): what the trainer saw, without
 * its training-side figures (beta, advantages, KL, loss: NaN here). Comparable with the trainer's own StepMetrics.
 */
public final class ExperienceMetrics {
    private ExperienceMetrics() {
    }

    /** One row per step present in {@code rewards} (distinct candidates), in step order. */
    public static List<StepMetrics> rebuild(List<RewardEvent> rewards) {
        TreeMap<Integer, List<RewardEvent>> bySteps = new TreeMap<>();
        for (RewardEvent r : rewards) {
            if (r.status() == RewardStatus.CANCELLED) {
                // Never evaluated: its run had finished. No experience.
                continue;
            }
            bySteps.computeIfAbsent(r.step(), s -> new ArrayList<>()).add(r);
        }
        List<StepMetrics> out = new ArrayList<>();
        // The best score is the one of the highest reward, whichever way the problem's score improves.
        Double bestSoFar = null;
        double bestSoFarReward = 0;
        for (Map.Entry<Integer, List<RewardEvent>> e : bySteps.entrySet()) {
            List<RewardEvent> step = e.getValue();
            double max = Double.NEGATIVE_INFINITY;
            double min = Double.POSITIVE_INFINITY;
            double sum = 0;
            int failures = 0;
            Double best = null;
            double bestReward = 0;
            long firstMs = Long.MAX_VALUE;
            long lastMs = Long.MIN_VALUE;
            for (RewardEvent r : step) {
                max = Math.max(max, r.reward());
                min = Math.min(min, r.reward());
                sum += r.reward();
                if (!r.status().success()) {
                    failures++;
                } else if (r.runtimeUs() != null && (best == null || r.reward() > bestReward)) {
                    best = r.runtimeUs();
                    bestReward = r.reward();
                }
                if (r.timings() != null) {
                    firstMs = Math.min(firstMs, r.timings().candidateCreatedAtMs());
                    lastMs = Math.max(lastMs, r.timings().evalFinishedAtMs());
                }
            }
            if (best != null && (bestSoFar == null || bestReward > bestSoFarReward)) {
                bestSoFar = best;
                bestSoFarReward = bestReward;
            }
            GroupShares g = groupShares(step);
            out.add(new StepMetrics(e.getKey(), step.size(), failures, max, sum / step.size(), min, best, bestSoFar,
                    g.allBad, g.allGood, g.mixed, g.mixedCount, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                    Double.NaN, Double.NaN, Double.NaN, Double.NaN, -1,
                    firstMs == Long.MAX_VALUE ? 0 : lastMs - firstMs));
        }
        return out;
    }

    private record GroupShares(double allBad, double allGood, double mixed, int mixedCount) {
    }

    /** Groups all failed / all succeeded with one reward / with differing rewards (the ones that carry gradient). */
    private static GroupShares groupShares(List<RewardEvent> step) {
        TreeMap<Integer, List<RewardEvent>> groups = new TreeMap<>();
        for (RewardEvent r : step) {
            groups.computeIfAbsent(r.group(), k -> new ArrayList<>()).add(r);
        }
        int bad = 0;
        int good = 0;
        int mixed = 0;
        for (List<RewardEvent> g : groups.values()) {
            boolean allFailed = g.stream().noneMatch(r -> r.status().success());
            boolean allSame = g.stream().mapToDouble(RewardEvent::reward).distinct().count() == 1;
            if (allFailed) {
                bad++;
            } else if (allSame && g.stream().allMatch(r -> r.status().success())) {
                good++;
            } else if (!allSame) {
                mixed++;
            }
        }
        double n = groups.size();
        return new GroupShares(bad / n, good / n, mixed / n, mixed);
    }
}
