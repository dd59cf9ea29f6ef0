package io.tttdiscover.trainer.algorithm;

/**
 * The advantages of one group of rollouts (same prompt), one per rollout.
 *
 * @param beta the entropic temperature used (0 for the mean baseline or a group of fewer than 2)
 */
public record GroupAdvantages(double beta, double[] advantages) {
}
