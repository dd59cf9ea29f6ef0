package io.tttdiscover.protocol.event;

/**
 * What one training step measured. Rewards are over all rollouts of the step; runtimes in microseconds.
 *
 * @param fracAllBad  fraction of groups whose rollouts all failed (reward 0)
 * @param fracAllGood fraction of groups with all rollouts successful and equal reward
 * @param fracMixed   fraction of groups with differing rewards (the ones that carry gradient)
 * @param beta        mean adaptive entropic beta over the groups kept
 * @param klPolicyBase mean over completion tokens of logp_sampler - logp_base
 */
public record StepMetrics(
        int step,
        int samples,
        int failures,
        double rewardMax,
        double rewardMean,
        double rewardMin,
        Double bestRuntimeUs,
        Double bestRuntimeSoFarUs,
        double fracAllBad,
        double fracAllGood,
        double fracMixed,
        int groupsKept,
        double beta,
        double advantageMean,
        double advantageMin,
        double advantageMax,
        double klPolicyBase,
        double klSampleTrain,
        double entropy,
        double loss,
        int archiveSize,
        long wallMs) {
}
