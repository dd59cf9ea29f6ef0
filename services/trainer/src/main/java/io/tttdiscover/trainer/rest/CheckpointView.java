package io.tttdiscover.trainer.rest;

/**
 * A policy version a run published, as {@code discover sample} reads it.
 *
 * @param weightsUri where a model server loads it from ({@code tinker://.../sampler_weights/...} for Tinker); null for
 *                   the embedded policy, whose parameters travel on the checkpoints topic
 */
public record CheckpointView(String runId, long version, int step, String backend, String weightsUri,
                             long createdAt) {
}
