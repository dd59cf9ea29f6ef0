package io.tttdiscover.trainer.algorithm;

import io.tttdiscover.protocol.event.TokenTrace;

/**
 * One evaluated sample of a group: its reward (0 on any failure) and what the policy chose.
 *
 * @param trace null when the sampler recorded none; such a rollout counts in the statistics but yields no datum
 */
public record Rollout(String candidateId, int group, double reward, boolean success, Double runtimeUs,
                      TokenTrace trace) {
}
