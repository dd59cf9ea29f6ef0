package io.tttdiscover.trainer.training;

import io.tttdiscover.protocol.event.PolicyParameters;

import java.util.ArrayList;
import java.util.List;

/**
 * The embedded policy's parameters as one vector, for the optimizer: every logit theta[d][a] in order, then the keep
 * biases kappa[d].
 */
final class FlatParameters {
    private final int[] sizes;
    private final int[] offsets;
    private final int logitCount;
    private final String form;

    FlatParameters(List<Integer> alternativesPerDecision) {
        this(alternativesPerDecision, PolicyParameters.PER_DECISION);
    }

    /** @param form the policy form {@link #unflatten} gives back ({@link PolicyParameters#form}) */
    FlatParameters(List<Integer> alternativesPerDecision, String form) {
        this.form = form;
        sizes = alternativesPerDecision.stream().mapToInt(Integer::intValue).toArray();
        offsets = new int[sizes.length];
        int o = 0;
        for (int d = 0; d < sizes.length; d++) {
            offsets[d] = o;
            o += sizes[d];
        }
        logitCount = o;
    }

    int length() {
        return logitCount + sizes.length;
    }

    String form() {
        return form;
    }

    int decisions() {
        return sizes.length;
    }

    int alternatives(int d) {
        return sizes[d];
    }

    int logit(int d, int a) {
        return offsets[d] + a;
    }

    int keepBias(int d) {
        return logitCount + d;
    }

    double[] flatten(PolicyParameters p) {
        if (!p.form().equals(form)) {
            throw new IllegalArgumentException("parameters of form " + p.form() + " for a policy of form " + form);
        }
        if (p.logits().size() != sizes.length || p.keepBias().size() != sizes.length) {
            throw new IllegalArgumentException("parameters have " + p.logits().size() + " decisions, the program space "
                    + sizes.length);
        }
        double[] x = new double[length()];
        for (int d = 0; d < sizes.length; d++) {
            if (p.logits().get(d).size() != sizes[d]) {
                throw new IllegalArgumentException("decision " + d + " has " + p.logits().get(d).size()
                        + " logits, the program space " + sizes[d]);
            }
            for (int a = 0; a < sizes[d]; a++) {
                x[logit(d, a)] = p.logits().get(d).get(a);
            }
            x[keepBias(d)] = p.keepBias().get(d);
        }
        return x;
    }

    PolicyParameters unflatten(double[] x) {
        List<List<Double>> logits = new ArrayList<>();
        List<Double> keep = new ArrayList<>();
        for (int d = 0; d < sizes.length; d++) {
            List<Double> row = new ArrayList<>();
            for (int a = 0; a < sizes[d]; a++) {
                row.add(x[logit(d, a)]);
            }
            logits.add(List.copyOf(row));
            keep.add(x[keepBias(d)]);
        }
        return new PolicyParameters(List.copyOf(logits), List.copyOf(keep), form);
    }
}
