package io.tttdiscover.trainer.training;

import io.tttdiscover.protocol.spi.AdamParams;

/** Adam with decoupled weight decay (AdamW) and optional global-norm clipping, on a flat parameter vector. */
final class Adam {
    private final double[] m;
    private final double[] v;
    private long t;

    Adam(int size) {
        m = new double[size];
        v = new double[size];
    }

    /** The moments and step count, to continue exactly after a restart. */
    State state() {
        return new State(m.clone(), v.clone(), t);
    }

    void restore(State state) {
        if (state.m().length != m.length || state.v().length != v.length) {
            throw new IllegalArgumentException("optimizer state of " + state.m().length + " parameters for a policy of "
                    + m.length);
        }
        System.arraycopy(state.m(), 0, m, 0, m.length);
        System.arraycopy(state.v(), 0, v, 0, v.length);
        t = state.t();
    }

    record State(double[] m, double[] v, long t) {
    }

    void step(double[] x, double[] grad, AdamParams p) {
        double clip = 1.0;
        if (p.gradClipNorm() > 0) {
            double norm = 0;
            for (double g : grad) {
                norm += g * g;
            }
            norm = Math.sqrt(norm);
            if (norm > p.gradClipNorm()) {
                clip = p.gradClipNorm() / norm;
            }
        }
        t++;
        double c1 = 1 - Math.pow(p.beta1(), t);
        double c2 = 1 - Math.pow(p.beta2(), t);
        for (int i = 0; i < x.length; i++) {
            double g = grad[i] * clip;
            m[i] = p.beta1() * m[i] + (1 - p.beta1()) * g;
            v[i] = p.beta2() * v[i] + (1 - p.beta2()) * g * g;
            double update = (m[i] / c1) / (Math.sqrt(v[i] / c2) + p.eps());
            x[i] -= p.learningRate() * (update + p.weightDecay() * x[i]);
        }
    }
}
