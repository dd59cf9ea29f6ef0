package io.tttdiscover.trainer.service;

import io.tttdiscover.protocol.spi.AdamParams;
import io.tttdiscover.trainer.algorithm.AdvantageEstimator;
import io.tttdiscover.trainer.algorithm.TrainStep;
import io.tttdiscover.trainer.training.EmbeddedTrainingBackend;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

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
    private static final List<String> TARGETS = List.of("cpu", "cuda");
    /** A problem id names a folder under the problems directory: no separators, no dots, so no other folder. */
    private static final Pattern PROBLEM_ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
    private static final Pattern BACKEND_NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
    /** A model name as Tinker or Hugging Face spell it, e.g. openai/gpt-oss-120b. */
    private static final Pattern BASE_MODEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/:@+-]{0,199}");
    /** The checkpoint URIs the backends read: embedded:<runId>@<version>, file:<path>, tinker://... */
    private static final Pattern WARM_START = Pattern.compile(
            "embedded:[A-Za-z0-9_-]{1,64}@[0-9]{1,18}|file:[^\\p{Cntrl}]{1,1024}|tinker://[^\\s\\p{Cntrl}]{1,1024}");
    private static final String LEARNING_RATE_RULE = "learningRate must be a finite number > 0, was ";
    private static final String KL_COEF_RULE = "klCoef must be a finite number >= 0, was ";
    private static final int SHOWN_CHARS = 64;

    /** The invariants of any run, stored ones included; {@link #checkWithin} adds what a new run must meet. */
    public RunConfig {
        require(problemId != null && !problemId.isBlank(), "problemId", "problemId is required");
        require(steps >= 1, "steps", belowMinimum("steps", steps, 1));
        require(groupsPerBatch >= 1, "groupsPerBatch", belowMinimum("groupsPerBatch", groupsPerBatch, 1));
        require(groupSize >= 1, "groupSize", belowMinimum("groupSize", groupSize, 1));
        require(TARGETS.contains(target), "target", "target must be cpu or cuda, was " + shown(target));
        require(learningRate > 0, "learningRate", LEARNING_RATE_RULE + learningRate);
        require(klCoef >= 0, "klCoef", KL_COEF_RULE + klCoef);
        require(groupDeadlineSeconds >= 1, "groupDeadlineSeconds",
                belowMinimum("groupDeadlineSeconds", groupDeadlineSeconds, 1));
        require(loraRank >= 1, "loraRank", belowMinimum("loraRank", loraRank, 1));
        require(Arrays.stream(AdvantageEstimator.values()).anyMatch(a -> a.configName().equals(advantage)),
                "advantage", "advantage must be one of " + Arrays.stream(AdvantageEstimator.values())
                        .map(AdvantageEstimator::configName).collect(Collectors.joining(", ")) + ", was "
                        + shown(advantage));
    }

    /**
     * What a new run must meet besides the invariants: the server's limits, finite numbers and well-formed names.
     * Not part of the constructor, so a run stored under other limits still reads.
     *
     * @throws InvalidSetting naming the first setting that fails, its value and the limit
     */
    public void checkWithin(RunLimits limits) {
        require(PROBLEM_ID.matcher(problemId).matches(), "problemId", "problemId " + shown(problemId)
                + " is not a problem id (lowercase letters, digits, '_' and '-', at most 64 characters)");
        requireAtMost("steps", steps, limits.steps(), "steps");
        requireAtMost("groupsPerBatch", groupsPerBatch, limits.groupsPerBatch(), "groups-per-batch");
        requireAtMost("groupSize", groupSize, limits.groupSize(), "group-size");
        long rollouts = product(steps, groupsPerBatch, groupSize);
        require(rollouts <= limits.totalRollouts(), "totalRollouts", "steps x groupsPerBatch x groupSize = "
                + steps + " x " + groupsPerBatch + " x " + groupSize + " = " + rollouts + " rollouts is above the limit "
                + limits.totalRollouts() + " (" + RunLimits.key("total-rollouts") + ")");
        require(Double.isFinite(learningRate), "learningRate", LEARNING_RATE_RULE + learningRate);
        require(Double.isFinite(klCoef), "klCoef", KL_COEF_RULE + klCoef);
        requireAtMost("groupDeadlineSeconds", groupDeadlineSeconds, limits.groupDeadlineSeconds(),
                "group-deadline-seconds");
        requireAtMost("loraRank", loraRank, limits.loraRank(), "lora-rank");
        require(trainingBackend != null && BACKEND_NAME.matcher(trainingBackend).matches(), "trainingBackend",
                "trainingBackend " + shown(trainingBackend) + " is not a backend name");
        require(warmStart == null || warmStart.isEmpty() || WARM_START.matcher(warmStart).matches(), "warmStart",
                "warmStart " + shown(warmStart) + " is not embedded:<runId>@<version>, file:<path> or tinker://...");
        require(baseModel == null || baseModel.isEmpty() || BASE_MODEL.matcher(baseModel).matches(), "baseModel",
                "baseModel " + shown(baseModel) + " is not a model name (letters, digits and ._/:@+-, at most 200)");
    }

    /**
     * The embedded policy's default shape: one group of 8 a step, 16 steps (128 evaluations, as an LLM run's default
     * 8 steps x 2 groups x 8). One group a step adopts each step's best edit at once; a second group from another
     * start state halves that (H200 stage model, seeds 0-319, within 5 %: median 71 evaluations at 1 x 8, 117 at
     * 2 x 8).
     */
    public static final int EMBEDDED_STEPS = 16;
    public static final int EMBEDDED_GROUPS = 1;

    /** Fills in the contract's defaults for every null (the embedded policy's shape: {@link #EMBEDDED_GROUPS}). */
    public static RunConfig withDefaults(String problemId, Integer steps, Integer groupsPerBatch, Integer groupSize,
                                         String target, Long seed, Double learningRate, Double klCoef,
                                         String advantage, String trainingBackend, String warmStart,
                                         Integer groupDeadlineSeconds, String baseModel, Integer loraRank) {
        String backend = or(trainingBackend, EmbeddedTrainingBackend.NAME);
        boolean embedded = EmbeddedTrainingBackend.NAME.equals(backend);
        double lr = learningRate != null ? learningRate
                : embedded ? EmbeddedTrainingBackend.DEFAULT_LEARNING_RATE : LLM_LEARNING_RATE;
        return new RunConfig(or(problemId, "trimul"), or(steps, embedded ? EMBEDDED_STEPS : 8),
                or(groupsPerBatch, embedded ? EMBEDDED_GROUPS : 2), or(groupSize, 8),
                or(target, "cpu"), or(seed, 0L), lr, or(klCoef, 0.1), or(advantage, "entropic-adaptive"), backend,
                warmStart, or(groupDeadlineSeconds, 300), baseModel, or(loraRank, 32));
    }

    public AdvantageEstimator estimator() {
        return AdvantageEstimator.byName(advantage);
    }

    /**
     * What each step is trained with: the advantage estimator, KL coefficient and Adam at the run's learning rate (the
     * paper's Adam for an LLM backend, {@link AdamParams#embedded} for the embedded policy).
     */
    public TrainStep.Settings trainSettings() {
        return new TrainStep.Settings(estimator(), klCoef, EmbeddedTrainingBackend.NAME.equals(trainingBackend)
                ? AdamParams.embedded(learningRate) : AdamParams.paper(learningRate));
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }

    /** A value as a rejection quotes it: cut short, so a hostile request cannot make the answer large. */
    public static String shown(String value) {
        if (value == null) {
            return "null";
        }
        return "'" + (value.length() <= SHOWN_CHARS ? value : value.substring(0, SHOWN_CHARS) + "...") + "'";
    }

    /** a x b x c, or Long.MAX_VALUE where that overflows (possible only with limits raised near int's range). */
    private static long product(int a, int b, int c) {
        try {
            return Math.multiplyExact(Math.multiplyExact((long) a, b), (long) c);
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    private static String belowMinimum(String field, long value, long minimum) {
        return field + " " + value + " is below the minimum " + minimum;
    }

    private static void requireAtMost(String field, long value, long limit, String limitName) {
        require(value <= limit, field, field + " " + value + " is above the limit " + limit + " ("
                + RunLimits.key(limitName) + ")");
    }

    private static void require(boolean ok, String field, String message) {
        if (!ok) {
            throw new InvalidSetting(field, message);
        }
    }

    /** A setting a run cannot have; {@link #field} is the name {@code POST /runs} knows it by. */
    public static final class InvalidSetting extends IllegalArgumentException {
        private final String field;

        public InvalidSetting(String field, String message) {
            super(message);
            this.field = field;
        }

        public String field() {
            return field;
        }
    }
}
