package io.tttdiscover.trainer.service;

import io.tttdiscover.protocol.event.RewardEvent;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How a recorded run's candidates fare when evaluated again: per candidate its recorded and its new status, reward and
 * runtime, and what that changes.
 *
 * @param of                the recorded run
 * @param candidates        candidates sent for evaluation again
 * @param rescored          of those, the ones whose new reward arrived
 * @param statusChanged     rescored candidates whose status changed
 * @param transitions       "OLD->NEW" status pairs that changed, with their counts
 * @param rewardRatioMedian median of new reward / recorded reward over candidates correct both times; null if none
 * @param rewardRatioMin    the smallest such ratio
 * @param rewardRatioMax    the largest such ratio
 * @param recordedBest      the recorded run's best candidate (lowest recorded runtime), with its new result
 * @param newBest           the best candidate by new runtime, with its recorded result
 * @param bestChanged       whether the best candidate is another one now
 * @param rows              every candidate sent, in recorded order
 */
public record RescoreReport(String of, int candidates, int rescored, int statusChanged,
                            Map<String, Integer> transitions, Double rewardRatioMedian, Double rewardRatioMin,
                            Double rewardRatioMax, Row recordedBest, Row newBest, boolean bestChanged,
                            List<Row> rows) {

    /**
     * One candidate: its recorded id and place, its recorded result and its new one (null until rescored).
     *
     * @param rescoredAs the candidate id it was evaluated again under (the re-score run's naming)
     */
    public record Row(String candidateId, String rescoredAs, int step, int group, int sample, String recordedStatus,
                      double recordedReward, Double recordedRuntimeUs, String newStatus, Double newReward,
                      Double newRuntimeUs) {

        static Row recorded(RewardEvent r, String rescoredAs) {
            return new Row(r.candidateId(), rescoredAs, r.step(), r.group(), r.sample(), r.status().name(),
                    r.reward(), r.status().success() ? r.runtimeUs() : null, null, null, null);
        }

        Row rescored(RewardEvent r) {
            return new Row(candidateId, rescoredAs, step, group, sample, recordedStatus, recordedReward,
                    recordedRuntimeUs, r.status().name(), r.reward(), r.status().success() ? r.runtimeUs() : null);
        }

        boolean isRescored() {
            return newStatus != null;
        }
    }

    static RescoreReport of(String of, List<Row> rows) {
        int rescored = 0;
        int changed = 0;
        Map<String, Integer> transitions = new TreeMap<>();
        List<Double> ratios = new ArrayList<>();
        for (Row r : rows) {
            if (!r.isRescored()) {
                continue;
            }
            rescored++;
            if (!r.recordedStatus().equals(r.newStatus())) {
                changed++;
                transitions.merge(r.recordedStatus() + "->" + r.newStatus(), 1, Integer::sum);
            }
            if (r.recordedRuntimeUs() != null && r.newRuntimeUs() != null && r.recordedReward() > 0) {
                ratios.add(r.newReward() / r.recordedReward());
            }
        }
        ratios.sort(Comparator.naturalOrder());
        // The best is the highest reward, whichever way the problem's score improves.
        Row recordedBest = rows.stream().filter(r -> r.recordedRuntimeUs() != null)
                .reduce((a, b) -> b.recordedReward() > a.recordedReward() ? b : a).orElse(null);
        Row newBest = rows.stream().filter(r -> r.newRuntimeUs() != null && r.newReward() != null)
                .reduce((a, b) -> b.newReward() > a.newReward() ? b : a).orElse(null);
        boolean bestChanged = recordedBest == null ? newBest != null
                : newBest == null || !recordedBest.candidateId().equals(newBest.candidateId());
        return new RescoreReport(of, rows.size(), rescored, changed, transitions, median(ratios),
                ratios.isEmpty() ? null : ratios.get(0), ratios.isEmpty() ? null : ratios.get(ratios.size() - 1),
                recordedBest, newBest, bestChanged, rows);
    }

    private static Double median(List<Double> sorted) {
        if (sorted.isEmpty()) {
            return null;
        }
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
