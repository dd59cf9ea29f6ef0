package io.tttdiscover.protocol.spi;

/** Adam as the paper configures it: lr 4e-5, beta1 0.9, beta2 0.95, eps 1e-8, no weight decay, no clipping. */
public record AdamParams(double learningRate, double beta1, double beta2, double eps, double weightDecay,
                         double gradClipNorm) {

    public static AdamParams paper(double learningRate) {
        return new AdamParams(learningRate, 0.9, 0.95, 1e-8, 0.0, 0.0);
    }
}
