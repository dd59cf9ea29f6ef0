package io.tttdiscover.protocol.pack;

/**
 * Which way a problem's score improves ({@code score.better} in pack.yml): a kernel's runtime gets better as it gets
 * lower, a construction's value (a sum of radii) as it gets higher. Rewards and archive values are higher-is-better
 * whatever the score; this is the one place that turns a score into them.
 */
public enum ScoreOrder {
    /** reward = reward_scale / score, value = -score (TriMul: runtime in us). */
    LOWER_IS_BETTER,
    /** reward = reward_scale * score, value = score. */
    HIGHER_IS_BETTER;

    public static ScoreOrder parse(String better) {
        return switch (better == null ? "lower" : better) {
            case "lower" -> LOWER_IS_BETTER;
            case "higher" -> HIGHER_IS_BETTER;
            default -> throw new IllegalArgumentException("score.better must be lower or higher, was " + better);
        };
    }

    /** Whether score a beats score b. */
    public boolean better(double a, double b) {
        return this == LOWER_IS_BETTER ? a < b : a > b;
    }

    /** Whether a beats b, where a missing score never beats and is always beaten. */
    public boolean better(Double a, Double b) {
        return a != null && (b == null || better(a.doubleValue(), b.doubleValue()));
    }

    /** The reward of a successful evaluation with this score. */
    public double reward(double rewardScale, double score) {
        return this == LOWER_IS_BETTER ? rewardScale / score : rewardScale * score;
    }

    /** The archive value R(s) of a state with this score: higher is better. */
    public double value(double score) {
        return this == LOWER_IS_BETTER ? -score : score;
    }
}
