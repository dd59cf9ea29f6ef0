package io.tttdiscover.trainer.service;

import io.tttdiscover.trainer.algorithm.AdvantageEstimator;
import io.tttdiscover.trainer.training.EmbeddedTrainingBackend;

import java.util.Set;

/** A run's settings, defaults applied and checked. Stored with the run as JSON. */
public record RunConfig(
        String problemId,
        int steps,
        int groupsPerBatch,
        int groupSize,
        String target,
        long seed,
        double learningRate,
        double klCoef,
        String advantage,
        String trainingBackend,
        String warmStart,
        int groupDeadlineSeconds,
        String baseModel,
        int loraRank) {

    /** The paper's learning rate for LoRA on an LLM; the embedded policy has its own default. */
    public static final double LLM_LEARNING_RATE = 4e-5;
    private static final Set<String> TARGETS = Set.of("cpu", "cuda");

    public RunConfig {
        require(problemId != null && !problemId.isBlank(), "problemId is required");
        require(steps >= 1, "steps must be >= 1");
        require(groupsPerBatch >= 1, "groupsPerBatch must be >= 1");
        require(groupSize >= 1, "groupSize must be >= 1");
        require(TARGETS.contains(target), "target must be cpu or cuda, was " + target);
        require(learningRate > 0, "learningRate must be > 0");
        require(klCoef >= 0, "klCoef must be >= 0");
        require(groupDeadlineSeconds >= 1, "groupDeadlineSeconds must be >= 1");
        require(loraRank >= 1, "loraRank must be >= 1");
        AdvantageEstimator.byName(advantage);
    }

    /** Fills in the contract's defaults for every null. */
    public static RunConfig withDefaults(String problemId, Integer steps, Integer groupsPerBatch, Integer groupSize,
                                         String target, Long seed, Double learningRate, Double klCoef,
                                         String advantage, String trainingBackend, String warmStart,
                                         Integer groupDeadlineSeconds, String baseModel, Integer loraRank) {
        String backend = or(trainingBackend, EmbeddedTrainingBackend.NAME);
        double lr = learningRate != null ? learningRate
                : EmbeddedTrainingBackend.NAME.equals(backend) ? EmbeddedTrainingBackend.DEFAULT_LEARNING_RATE
                : LLM_LEARNING_RATE;
        return new RunConfig(or(problemId, "trimul"), or(steps, 8), or(groupsPerBatch, 2), or(groupSize, 8),
                or(target, "cpu"), or(seed, 0L), lr, or(klCoef, 0.1), or(advantage, "entropic-adaptive"), backend,
                warmStart, or(groupDeadlineSeconds, 300), baseModel, or(loraRank, 32));
    }

    public AdvantageEstimator estimator() {
        return AdvantageEstimator.byName(advantage);
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
