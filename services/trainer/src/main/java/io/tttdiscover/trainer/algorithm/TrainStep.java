package io.tttdiscover.trainer.algorithm;

import io.tttdiscover.protocol.event.StepMetrics;
import io.tttdiscover.protocol.pack.ScoreOrder;
import io.tttdiscover.protocol.spi.AdamParams;
import io.tttdiscover.protocol.spi.Datum;
import io.tttdiscover.protocol.spi.ForwardBackwardResult;
import io.tttdiscover.protocol.spi.TrainingSession;

import java.util.ArrayList;
import java.util.List;

/**
 * Steps 4 to 6 of the method on the rollouts of one step: drop constant groups, per-group advantages, token-level
 * data, KL shaping, one forward_backward and one optim_step. Returns the step's metrics.
 */
public final class TrainStep {
    /** The key under which a backend may report the exact mean policy entropy in its forward_backward metrics. */
    public static final String ENTROPY_METRIC = "entropy";

    private TrainStep() {
    }

    /** What a step is trained with. */
    public record Settings(AdvantageEstimator estimator, double klCoef, AdamParams adam) {
    }

    /**
     * Bookkeeping the caller owns.
     *
     * @param missing          samples that never arrived before the group deadline
     * @param bestSoFarBeforeUs best runtime of earlier steps, null if none
     * @param archiveSize      archive size after this step's update and pruning
     */
    public record Context(int step, int missing, Double bestSoFarBeforeUs, int archiveSize, long startedAtMs,
                          ScoreOrder order) {
    }

    public static StepMetrics run(List<List<Rollout>> groups, TrainingSession session, Settings settings,
                                  Context context) {
        List<List<Rollout>> arrived = groups.stream().filter(g -> !g.isEmpty()).toList();
        List<double[]> groupRewards = arrived.stream().map(TrainStep::rewards).toList();

        RewardStats stats = RewardStats.of(arrived);
        GroupKinds kinds = GroupKinds.of(arrived);

        ConstantGroups.Selection selection = ConstantGroups.dropConstant(groupRewards);
        List<TrainingExample> examples = new ArrayList<>();
        double betaSum = 0;
        double advSum = 0;
        double advMin = 0;
        double advMax = 0;
        int advCount = 0;
        for (int g : selection.kept()) {
            GroupAdvantages adv = settings.estimator().compute(groupRewards.get(g));
            betaSum += adv.beta();
            List<Rollout> group = arrived.get(g);
            for (int i = 0; i < group.size(); i++) {
                double a = adv.advantages()[i];
                advMin = advCount == 0 ? a : Math.min(advMin, a);
                advMax = advCount == 0 ? a : Math.max(advMax, a);
                advSum += a;
                advCount++;
                if (group.get(i).trace() != null && !group.get(i).trace().completionTokens().isEmpty()) {
                    examples.add(TrainingData.fromTrace(group.get(i).trace(), a));
                }
            }
        }
        int groupsKept = selection.noGradient() ? 0 : selection.kept().size();
        double meanBeta = selection.kept().isEmpty() ? 0.0 : betaSum / selection.kept().size();

        double klPolicyBase = 0;
        double klSampleTrain = 0;
        double entropy = 0;
        double loss = 0;
        if (!examples.isEmpty()) {
            List<List<Double>> base = session.baseLogprobs(data(examples));
            KlShaping.Shaped shaped = KlShaping.apply(examples, base, settings.klCoef());
            klPolicyBase = shaped.klPolicyBase();
            ForwardBackwardResult fb = session.forwardBackward(data(shaped.examples()));
            session.optimStep(settings.adam());
            loss = fb.loss();
            klSampleTrain = meanSampleMinusLearner(shaped.examples(), fb.learnerLogprobs());
            entropy = fb.metrics() != null && fb.metrics().containsKey(ENTROPY_METRIC)
                    ? fb.metrics().get(ENTROPY_METRIC) : -meanSamplerLogprob(shaped.examples());
        }

        Double best = stats.bestRuntimeUs;
        Double bestSoFar = context.bestSoFarBeforeUs();
        if (context.order().better(best, bestSoFar)) {
            bestSoFar = best;
        }
        int groupCount = Math.max(1, arrived.size());
        return new StepMetrics(context.step(), stats.samples, stats.failures + context.missing(),
                stats.max, stats.mean, stats.min, best, bestSoFar,
                kinds.allBad / (double) groupCount, kinds.allGood / (double) groupCount,
                kinds.mixed / (double) groupCount, groupsKept, meanBeta,
                advCount == 0 ? 0.0 : advSum / advCount, advMin, advMax,
                klPolicyBase, klSampleTrain, entropy, loss, context.archiveSize(),
                System.currentTimeMillis() - context.startedAtMs());
    }

    private static List<Datum> data(List<TrainingExample> examples) {
        return examples.stream().map(TrainingExample::datum).toList();
    }

    private static double[] rewards(List<Rollout> group) {
        return group.stream().mapToDouble(Rollout::reward).toArray();
    }

    /** Mean over sampled completion tokens of logp_sampler - logp_learner (before the update). */
    static double meanSampleMinusLearner(List<TrainingExample> examples, List<List<Double>> learner) {
        return TrainingExample.meanOverSampled(examples, (i, t) ->
                examples.get(i).datum().samplerLogprobs().get(t) - learner.get(i).get(t));
    }

    private static double meanSamplerLogprob(List<TrainingExample> examples) {
        return TrainingExample.meanOverSampled(examples, (i, t) -> examples.get(i).datum().samplerLogprobs().get(t));
    }

    private record RewardStats(int samples, int failures, double max, double mean, double min, Double bestRuntimeUs) {
        static RewardStats of(List<List<Rollout>> groups) {
            int samples = 0;
            int failures = 0;
            double max = Double.NEGATIVE_INFINITY;
            double min = Double.POSITIVE_INFINITY;
            double sum = 0;
            Double best = null;
            double bestReward = 0;
            for (List<Rollout> g : groups) {
                for (Rollout r : g) {
                    samples++;
                    failures += r.success() ? 0 : 1;
                    max = Math.max(max, r.reward());
                    min = Math.min(min, r.reward());
                    sum += r.reward();
                    // the best score is the one of the highest reward, whichever way the score improves
                    if (r.success() && r.runtimeUs() != null && (best == null || r.reward() > bestReward)) {
                        best = r.runtimeUs();
                        bestReward = r.reward();
                    }
                }
            }
            return samples == 0 ? new RewardStats(0, 0, 0, 0, 0, null)
                    : new RewardStats(samples, failures, max, sum / samples, min, best);
        }
    }

    private record GroupKinds(int allBad, int allGood, int mixed) {
        static GroupKinds of(List<List<Rollout>> groups) {
            int bad = 0;
            int good = 0;
            int mixed = 0;
            for (List<Rollout> g : groups) {
                if (!ConstantGroups.isConstant(rewards(g))) {
                    mixed++;
                } else if (g.stream().noneMatch(Rollout::success)) {
                    bad++;
                } else {
                    good++;
                }
            }
            return new GroupKinds(bad, good, mixed);
        }
    }
}
