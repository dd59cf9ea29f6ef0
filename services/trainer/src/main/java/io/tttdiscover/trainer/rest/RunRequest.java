package io.tttdiscover.trainer.rest;

import io.tttdiscover.protocol.event.MaskSemantics;
import io.tttdiscover.trainer.service.RunConfig;

/**
 * POST /runs body; every field is optional (see {@link RunConfig#withDefaults}).
 *
 * @param maskSemantics "as-specified" or "official-all-ones"; absent: the problem pack's default
 */
public record RunRequest(
        String problemId,
        Integer steps,
        Integer groupsPerBatch,
        Integer groupSize,
        String target,
        Long seed,
        Double learningRate,
        Double klCoef,
        String advantage,
        String trainingBackend,
        String warmStart,
        Integer groupDeadlineSeconds,
        String baseModel,
        Integer loraRank,
        String maskSemantics) {

    RunConfig toConfig() {
        return RunConfig.withDefaults(problemId, steps, groupsPerBatch, groupSize, target, seed, learningRate, klCoef,
                advantage, trainingBackend, warmStart, groupDeadlineSeconds, baseModel, loraRank);
    }

    /** @throws RunConfig.InvalidSetting naming the accepted values, for an unknown one */
    MaskSemantics requestedMaskSemantics() {
        if (maskSemantics == null) {
            return null;
        }
        try {
            return MaskSemantics.parse(maskSemantics);
        } catch (IllegalArgumentException e) {
            throw new RunConfig.InvalidSetting("maskSemantics", maskSemantics.length() <= 64 ? e.getMessage()
                    : "maskSemantics " + RunConfig.shown(maskSemantics) + " is not a mask semantics");
        }
    }
}
