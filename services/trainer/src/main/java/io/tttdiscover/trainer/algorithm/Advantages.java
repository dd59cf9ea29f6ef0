package io.tttdiscover.trainer.algorithm;

/**
 * Per-group advantages: the entropic objective with adaptive beta (the method), its fixed-beta variant and the plain
 * mean baseline (ablations). Rewards of one group in, one advantage per reward out.
 */
public final class Advantages {
    /** Target KL(q_beta || uniform) of the adaptive beta: ln 2. */
    public static final double TARGET_KL = Math.log(2.0);
    /** Doubling of the upper bracket stops here. */
    public static final double MAX_BETA_BRACKET = 1e6;
    public static final int BISECTION_ITERATIONS = 60;
    /** Beta of the fixed-beta "entropic" ablation. */
    public static final double FIXED_BETA = 2.0;
    private static final double Z_EPS = 1e-12;

    private Advantages() {
    }

    /** Entropic advantages with beta chosen so that KL(q_beta || uniform) = ln 2. */
    public static GroupAdvantages entropicAdaptive(double[] rewards) {
        double beta = adaptiveBeta(rewards);
        return new GroupAdvantages(beta, entropic(rewards, beta));
    }

    /** Entropic advantages at the fixed beta of the ablation. */
    public static GroupAdvantages entropicFixed(double[] rewards) {
        double beta = rewards.length < 2 ? 0.0 : FIXED_BETA;
        return new GroupAdvantages(beta, entropic(rewards, beta));
    }

    /** r_i - mean r. */
    public static GroupAdvantages meanBaseline(double[] rewards) {
        double mean = 0;
        for (double r : rewards) {
            mean += r;
        }
        mean /= Math.max(1, rewards.length);
        double[] a = new double[rewards.length];
        for (int i = 0; i < a.length; i++) {
            a[i] = rewards[i] - mean;
        }
        return new GroupAdvantages(0.0, a);
    }

    /**
     * The adaptive beta: bracket [0, hi] with hi doubled from 1 while KLhat(hi) < ln 2 (and hi < 1e6), then 60
     * bisection steps; the final upper end is beta. Groups of fewer than 2 get 0.
     */
    public static double adaptiveBeta(double[] rewards) {
        if (rewards.length < 2) {
            return 0.0;
        }
        double hi = 1.0;
        while (klToUniform(rewards, hi) < TARGET_KL && hi < MAX_BETA_BRACKET) {
            hi *= 2.0;
        }
        double lo = 0.0;
        for (int i = 0; i < BISECTION_ITERATIONS; i++) {
            double mid = 0.5 * (lo + hi);
            if (klToUniform(rewards, mid) < TARGET_KL) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return hi;
    }

    /** KLhat(beta) = sum_i q_i (log q_i + log K), q = softmax(beta (r - max r)). */
    public static double klToUniform(double[] rewards, double beta) {
        int k = rewards.length;
        double max = max(rewards);
        double[] logits = new double[k];
        double sum = 0;
        for (int i = 0; i < k; i++) {
            logits[i] = beta * (rewards[i] - max);
            sum += Math.exp(logits[i]);
        }
        double logSum = Math.log(sum);
        double kl = 0;
        for (int i = 0; i < k; i++) {
            double logQ = logits[i] - logSum;
            double q = Math.exp(logQ);
            if (q > 0) {
                kl += q * (logQ + Math.log(k));
            }
        }
        return kl;
    }

    /** e_i = exp(beta (r_i - max r)); Z_i = leave-one-out mean of e; A_i = e_i / (Z_i + 1e-12) - 1. */
    public static double[] entropic(double[] rewards, double beta) {
        int k = rewards.length;
        double[] a = new double[k];
        if (k < 2) {
            return a;
        }
        double max = max(rewards);
        double[] e = new double[k];
        double sum = 0;
        for (int i = 0; i < k; i++) {
            e[i] = Math.exp(beta * (rewards[i] - max));
            sum += e[i];
        }
        for (int i = 0; i < k; i++) {
            double z = (sum - e[i]) / (k - 1);
            a[i] = e[i] / (z + Z_EPS) - 1.0;
        }
        return a;
    }

    private static double max(double[] values) {
        double m = Double.NEGATIVE_INFINITY;
        for (double v : values) {
            m = Math.max(m, v);
        }
        return m;
    }
}
