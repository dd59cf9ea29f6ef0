package io.tttdiscover.trainer.training;

import io.tttdiscover.protocol.event.PolicyParameters;
import io.tttdiscover.protocol.policy.ProgramSpacePolicy;
import io.tttdiscover.protocol.spi.Datum;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * {@code loss = -sum_t exp(logp_theta(t) - logp_sampler(t)) * A_t} over all data (a sum, not a mean) for the embedded
 * program-space policy, and its exact gradient. Token t of a datum is decision point t; its prompt token t is the
 * parent's choice there.
 *
 * <p>With logits z_a = theta[d][a] + kappa[d] [a == p] and q = softmax(z) over the available alternatives,
 * d logp(c) / d theta[d][a] = [a == c] - q_a and d logp(c) / d kappa[d] = [c == p] - q_p.
 */
final class ImportanceSamplingLoss {

    record Result(double loss, double[] gradient, List<List<Double>> learnerLogprobs) {
    }

    private ImportanceSamplingLoss() {
    }

    static Result evaluate(FlatParameters layout, double[] x, List<Datum> data, List<boolean[]> available) {
        PolicyParameters params = layout.unflatten(x);
        double loss = 0;
        double[] grad = new double[x.length];
        List<List<Double>> learner = new ArrayList<>(data.size());
        for (Datum datum : data) {
            List<Integer> parent = parentChoices(datum, layout.decisions());
            if (datum.completionTokens().size() != layout.decisions()) {
                throw new IllegalArgumentException("a datum has " + datum.completionTokens().size()
                        + " choices, the program space " + layout.decisions() + " decisions");
            }
            List<Double> logprobs = new ArrayList<>(layout.decisions());
            for (int d = 0; d < layout.decisions(); d++) {
                int p = parent.get(d);
                int c = datum.completionTokens().get(d);
                double[] q = ProgramSpacePolicy.probabilities(params, d, p, available.get(d));
                double logp = Math.log(q[c]);
                logprobs.add(logp);
                double advantage = datum.advantages().get(d);
                if (advantage == 0.0) {
                    continue;
                }
                double ratio = Math.exp(logp - datum.samplerLogprobs().get(d));
                loss -= ratio * advantage;
                // d(-ratio * A)/d logp = -ratio * A
                double g = -ratio * advantage;
                for (int a = 0; a < q.length; a++) {
                    if (available.get(d)[a]) {
                        grad[layout.logit(d, a)] += g * ((a == c ? 1.0 : 0.0) - q[a]);
                    }
                }
                if (p >= 0 && p < q.length && available.get(d)[p]) {
                    grad[layout.keepBias(d)] += g * ((c == p ? 1.0 : 0.0) - q[p]);
                }
            }
            learner.add(List.copyOf(logprobs));
        }
        return new Result(loss, grad, List.copyOf(learner));
    }

    /** The datum's prompt tokens are the parent's choices; none (an LLM-written parent) means -1 everywhere. */
    static List<Integer> parentChoices(Datum datum, int decisions) {
        if (datum.promptTokens() == null || datum.promptTokens().isEmpty()) {
            return Collections.nCopies(decisions, ProgramSpacePolicy.NO_PARENT);
        }
        if (datum.promptTokens().size() != decisions) {
            throw new IllegalArgumentException("a datum's parent has " + datum.promptTokens().size()
                    + " choices, the program space " + decisions + " decisions");
        }
        return datum.promptTokens();
    }
}
