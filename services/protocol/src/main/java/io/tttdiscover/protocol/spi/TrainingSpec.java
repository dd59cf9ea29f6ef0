package io.tttdiscover.protocol.spi;

import io.tttdiscover.protocol.pack.ProblemPack;

/**
 * What a training session is opened with.
 *
 * @param warmStartUri a checkpoint to start from (a {@code tinker://.../weights/...} path, or a checkpoint URI of the
 *                     embedded backend); null for a fresh policy
 * @param target       the device candidates run on ("cpu" or "cuda"), which limits the embedded program space
 */
public record TrainingSpec(
        String runId,
        ProblemPack pack,
        String baseModel,
        int loraRank,
        String warmStartUri,
        String target,
        long seed) {
}
