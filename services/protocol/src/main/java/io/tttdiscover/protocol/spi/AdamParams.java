package io.tttdiscover.protocol.spi;

/** Adam's settings: the paper's for an LLM's LoRA ({@link #paper}), the embedded policy's ({@link #embedded}). */
public record AdamParams(double learningRate, double beta1, double beta2, double eps, double weightDecay,
                         double gradClipNorm) {

    /** As the paper configures it: beta1 0.9, beta2 0.95, eps 1e-8, no weight decay, no clipping (lr 4e-5 there). */
    public static AdamParams paper(double learningRate) {
        return new AdamParams(learningRate, 0.9, 0.95, 1e-8, 0.0, 0.0);
    }

    /**
     * For the embedded program-space policy: the paper's, without momentum (beta1 0). Its logits are a few dozen
     * numbers that each step's evidence should move once: with beta1 0.9 one winning edit kept pushing its logit up
     * for about ten steps after it was adopted, and at a learning rate where learning pays (1.0) the policy collapsed
     * onto one decision in most seeds of the H200 stage model.
     */
    public static AdamParams embedded(double learningRate) {
        return new AdamParams(learningRate, 0.0, 0.95, 1e-8, 0.0, 0.0);
    }
}
