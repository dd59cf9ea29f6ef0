package io.tttdiscover.trainer.training;

import io.tttdiscover.protocol.event.PolicyParameters;
import io.tttdiscover.protocol.pack.Choosable;
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
 * <p>Per-decision form: with logits z_a = theta[d][a] + kappa[d] [a == p] and q = softmax(z) over the available
 * alternatives, d logp(c) / d theta[d][a] = [a == c] - q_a and d logp(c) / d kappa[d] = [c == p] - q_p; an inactive
 * decision is forced (logprob 0, no gradient). One-edit form: the edit (d, c) has logprob theta[d][c] - kappa[d] -
 * log Z, Z summing exp(theta[e][b] - kappa[e]) over the editable decisions e and their available alternatives b
 * other than the parent's; with P(e, b) the edit distribution and w_e its marginal, d logp / d theta[e][b] =
 * [(e, b) == (d, c)] - P(e, b) and d logp / d kappa[e] = w_e - [e == d]. Relative-edit form: every logit of
 * decision e also subtracts theta[e][p_e] (the parent's choice there), which therefore gets w_e - [e == d] as kappa
 * does. The decisions left alone are forced.

 */
final class ImportanceSamplingLoss {

    record Result(double loss, double[] gradient, List<List<Double>> learnerLogprobs) {
    }

    private ImportanceSamplingLoss() {
    }

    static Result evaluate(FlatParameters layout, double[] x, List<Datum> data, List<boolean[]> available) {
        return evaluate(layout, x, data, Choosable.of(available));
    }

    static Result evaluate(FlatParameters layout, double[] x, List<Datum> data, Choosable choosable) {
        PolicyParameters params = layout.unflatten(x);
        double loss = 0;
        double[] grad = new double[x.length];
        List<List<Double>> learner = new ArrayList<>(data.size());
        for (Datum datum : data) {
            List<Integer> parent = parentChoices(datum, layout.decisions());
            List<Integer> choices = datum.completionTokens();
            if (choices.size() != layout.decisions()) {
                throw new IllegalArgumentException("a datum has " + choices.size()
                        + " choices, the program space " + layout.decisions() + " decisions");
            }
            List<Double> logprobs = ProgramSpacePolicy.logprobs(params, parent, choices, choosable);
            boolean edit = ProgramSpacePolicy.editsParent(params, parent);
            for (int d = 0; d < layout.decisions(); d++) {
                double advantage = datum.advantages().get(d);
                if (advantage == 0.0) {
                    continue;
                }
                int p = parent.get(d);
                int c = choices.get(d);
                double ratio = Math.exp(logprobs.get(d) - datum.samplerLogprobs().get(d));
                loss -= ratio * advantage;
                // d(-ratio * A)/d logp = -ratio * A
                double g = -ratio * advantage;
                if (edit) {
                    if (c == p) {
                        continue; // a decision the edit left alone: forced, nothing of theta chose it
                    }
                    // logp = theta[d][c] - kappa[d] - log Z over the edits (e, b): d/dtheta[e][b] = [e, b == d, c] - P(e, b)
                    // with P(e, b) = w_e q_e(b); d/dkappa[e] = w_e - [e == d]
                    double[] which = ProgramSpacePolicy.editDecisionProbabilities(params, parent, choosable);
                    for (int e = 0; e < which.length; e++) {
                        if (which[e] == 0) {
                            continue;
                        }
                        double away = g * -((e == d ? 1.0 : 0.0) - which[e]);
                        grad[layout.keepBias(e)] += away;
                        if (params.relative()) {
                            grad[layout.logit(e, parent.get(e))] += away;
                        }
                        double[] q = ProgramSpacePolicy.editProbabilities(params, e, parent.get(e),
                                choosable.available(e));
                        for (int b = 0; b < q.length; b++) {
                            grad[layout.logit(e, b)] += g * ((e == d && b == c ? 1.0 : 0.0) - which[e] * q[b]);
                        }
                    }
                    continue;
                }
                if (!choosable.active(d, choices)) {
                    continue; // forced: its logprob is 0 whatever the parameters
                }
                double[] q = ProgramSpacePolicy.probabilities(params, d, p, choosable.available(d));
                for (int a = 0; a < q.length; a++) {
                    if (choosable.available(d)[a]) {
                        grad[layout.logit(d, a)] += g * ((a == c ? 1.0 : 0.0) - q[a]);
                    }
                }
                if (p >= 0 && p < q.length && choosable.available(d)[p]) {
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
