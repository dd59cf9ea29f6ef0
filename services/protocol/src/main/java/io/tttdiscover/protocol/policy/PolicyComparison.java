package io.tttdiscover.protocol.policy;

import io.tttdiscover.protocol.event.PolicyParameters;
import io.tttdiscover.protocol.pack.Choosable;

import java.util.ArrayList;
import java.util.List;

/**
 * How far apart two embedded policies are (say a run's and its re-train's), measured on the run's recorded experience:
 * the distance between their parameters, the mean KL divergence of their choice distributions from the parents the run
 * actually prompted with, and each policy's expected reward under the alternatives the run measured.
 *
 * <p>The expected reward is a self-normalised importance-sampling estimate over the recorded samples: each sample i
 * was drawn by the sampler with probability mu_i (its recorded logprobs) and earned r_i; under policy pi its weight is
 * w_i = pi(choices_i | parent_i) / mu_i, and E_pi[r] ~ sum w_i r_i / sum w_i. It is only as good as the recorded
 * samples cover what pi would choose ({@link Result#effectiveSamplesA}/{@code B} say how many samples it rests on).
 */
public final class PolicyComparison {

    private PolicyComparison() {
    }

    /** One recorded sample: the parent's choices it was prompted with, its choices, their sampler logprobs, reward. */
    public record Sample(List<Integer> parentChoices, List<Integer> choices, List<Double> samplerLogprobs,
                         double reward) {
    }

    /**
     * @param l2Distance         Euclidean distance between the two parameter vectors (logits and keep biases)
     * @param maxAbsDifference   the largest difference of one parameter
     * @param meanKl             mean over samples and decision points of KL(a || b) given the sample's parent (nats;
     *                           one-edit: the KL of the whole edit divided by the decisions)
     * @param expectedRewardA    estimated expected reward of policy a on the recorded parents
     * @param expectedRewardB    the same for policy b
     * @param effectiveSamplesA  (sum w)^2 / sum w^2 of a's weights: how many samples its estimate effectively rests on
     * @param effectiveSamplesB  the same for b
     * @param samples            the recorded samples compared on
     */
    public record Result(double l2Distance, double maxAbsDifference, double meanKl, double expectedRewardA,
                         double expectedRewardB, double effectiveSamplesA, double effectiveSamplesB, int samples) {
    }

    public static Result compare(PolicyParameters a, PolicyParameters b, List<Sample> samples,
                                 List<boolean[]> available) {
        return compare(a, b, samples, Choosable.of(available));
    }

    /** As above, the KL taken over the decisions each policy could draw given the sample's parent. */
    public static Result compare(PolicyParameters a, PolicyParameters b, List<Sample> samples, Choosable choosable) {
        if (!a.form().equals(b.form())) {
            throw new IllegalArgumentException("the policies differ in form: " + a.form() + " vs " + b.form());
        }
        double[] x = flat(a);
        double[] y = flat(b);
        if (x.length != y.length) {
            throw new IllegalArgumentException("the policies differ in shape: " + x.length + " vs " + y.length
                    + " parameters");
        }
        double sq = 0;
        double maxAbs = 0;
        for (int i = 0; i < x.length; i++) {
            double d = x[i] - y[i];
            sq += d * d;
            maxAbs = Math.max(maxAbs, Math.abs(d));
        }
        double kl = 0;
        int decisions = 0;
        Estimate ea = new Estimate();
        Estimate eb = new Estimate();
        for (Sample s : samples) {
            List<Integer> parent = s.parentChoices();
            if (ProgramSpacePolicy.editsParent(a, parent)) {
                // KL of the whole edit (which decision, then which alternative), spread over the decisions
                double[] wa = ProgramSpacePolicy.editDecisionProbabilities(a, parent, choosable);
                double[] wb = ProgramSpacePolicy.editDecisionProbabilities(b, parent, choosable);
                kl += kl(wa, wb);
                for (int d = 0; d < wa.length; d++) {
                    if (wa[d] > 0) {
                        kl += wa[d] * kl(ProgramSpacePolicy.editProbabilities(a, d, parent.get(d),
                                choosable.available(d)), ProgramSpacePolicy.editProbabilities(b, d, parent.get(d),
                                choosable.available(d)));
                    }
                }
                decisions += parent.size();
            } else {
                for (int d = 0; d < s.choices().size(); d++) {
                    if (choosable.active(d, s.choices())) {
                        kl += kl(ProgramSpacePolicy.probabilities(a, d, parent.get(d), choosable.available(d)),
                                ProgramSpacePolicy.probabilities(b, d, parent.get(d), choosable.available(d)));
                        decisions++;
                    }
                }
            }
            double sampler = sum(s.samplerLogprobs());
            ea.add(sum(ProgramSpacePolicy.logprobs(a, parent, s.choices(), choosable)) - sampler, s.reward());
            eb.add(sum(ProgramSpacePolicy.logprobs(b, parent, s.choices(), choosable)) - sampler, s.reward());
        }
        return new Result(Math.sqrt(sq), maxAbs, decisions == 0 ? 0.0 : kl / decisions, ea.mean(), eb.mean(),
                ea.effectiveSamples(), eb.effectiveSamples(), samples.size());
    }

    static double kl(double[] p, double[] q) {
        double total = 0;
        for (int i = 0; i < p.length; i++) {
            if (p[i] > 0) {
                total += p[i] * (Math.log(p[i]) - Math.log(q[i]));
            }
        }
        return total;
    }

    private static double[] flat(PolicyParameters p) {
        List<Double> values = new ArrayList<>();
        p.logits().forEach(values::addAll);
        values.addAll(p.keepBias());
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static double sum(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).sum();
    }

    /** Self-normalised importance weights, kept in log space until the end so large ratios do not overflow. */
    private static final class Estimate {
        private final List<double[]> logWeightAndReward = new ArrayList<>();

        void add(double logWeight, double reward) {
            logWeightAndReward.add(new double[]{logWeight, reward});
        }

        /** sum w, sum w r and sum w^2, with the weights scaled by the largest (which cancels in both figures). */
        private double[] sums() {
            double max = logWeightAndReward.stream().mapToDouble(e -> e[0]).max().orElse(0.0);
            double[] sums = new double[3];
            for (double[] e : logWeightAndReward) {
                double w = Math.exp(e[0] - max);
                sums[0] += w;
                sums[1] += w * e[1];
                sums[2] += w * w;
            }
            return sums;
        }

        double mean() {
            double[] s = sums();
            return s[0] == 0 ? 0.0 : s[1] / s[0];
        }

        double effectiveSamples() {
            double[] s = sums();
            return s[2] == 0 ? 0.0 : s[0] * s[0] / s[2];
        }
    }
}
