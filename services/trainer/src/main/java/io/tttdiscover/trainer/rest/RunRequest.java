package io.tttdiscover.trainer.rest;

import io.tttdiscover.trainer.service.RunConfig;

/** POST /runs body; every field is optional (see {@link RunConfig#withDefaults}). */
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
        Integer loraRank) {

    RunConfig toConfig() {
        return RunConfig.withDefaults(problemId, steps, groupsPerBatch, groupSize, target, seed, learningRate, klCoef,
                advantage, trainingBackend, warmStart, groupDeadlineSeconds, baseModel, loraRank);
    }
}
