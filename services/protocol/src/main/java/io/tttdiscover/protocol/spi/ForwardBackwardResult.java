package io.tttdiscover.protocol.spi;

import java.util.List;
import java.util.Map;

/**
 * What {@code forward_backward} returns: the loss and the learner's own logprob of every completion token (compared
 * with the sampler's, it gives the sample/train KL that reveals a mismatch between the two).
 */
public record ForwardBackwardResult(double loss, List<List<Double>> learnerLogprobs, Map<String, Double> metrics) {
}
