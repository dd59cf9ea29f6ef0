package io.tttdiscover.protocol.event;

import java.util.List;

/**
 * The embedded program-space policy's weights: per decision point, one logit per alternative and a bias towards
 * keeping the parent's choice. Small enough to travel inside a checkpoint event.
 */
public record PolicyParameters(List<List<Double>> logits, List<Double> keepBias) {
}
