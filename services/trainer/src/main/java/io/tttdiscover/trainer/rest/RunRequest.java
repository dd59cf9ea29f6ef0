package io.tttdiscover.trainer.rest;

import io.tttdiscover.protocol.event.MaskSemantics;
import io.tttdiscover.trainer.service.RecordedShape;
import io.tttdiscover.trainer.service.Replay;
import io.tttdiscover.trainer.service.RunConfig;

import java.util.regex.Pattern;

/**
 * POST /runs body; every field is optional (see {@link RunConfig#withDefaults}).
 *
 * @param maskSemantics    "as-specified" or "official-all-ones"; absent: the problem pack's default (for a replay
 *                         run: the recorded candidates')
 * @param replayOf         re-train: a new run whose policy is trained on this recorded run's rewards, step by step, with
 *                         this request's training settings; its problem, target, steps, groups and group size are the
 *                         recorded run's
 * @param rescoreOf        re-score: this recorded run's candidates evaluated again by the evaluators deployed now
 * @param replayFromOffset with replayOf or rescoreOf: start at this offset of the recorded run's rewards partition
 * @param replayFromTime   with replayOf or rescoreOf: start at the first reward recorded at or after this time (epoch
 *                         ms)
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
        String maskSemantics,
        String replayOf,
        String rescoreOf,
        Long replayFromOffset,
        Long replayFromTime) {

    private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    RunConfig toConfig() {
        return RunConfig.withDefaults(problemId, steps, groupsPerBatch, groupSize, target, seed, learningRate, klCoef,
                advantage, trainingBackend, warmStart, groupDeadlineSeconds, baseModel, loraRank);
    }

    /**
     * What the run replays; null for a live run.
     *
     * @throws RunConfig.InvalidSetting for both kinds at once, a malformed run id, a start without a replay, or a
     *                                  setting that a replay takes from the recorded run
     */
    Replay replay() {
        if (replayOf == null && rescoreOf == null) {
            if (replayFromOffset != null || replayFromTime != null) {
                throw new RunConfig.InvalidSetting("replayOf", "replayFromOffset and replayFromTime need replayOf "
                        + "or rescoreOf");
            }
            return null;
        }
        if (replayOf != null && rescoreOf != null) {
            throw new RunConfig.InvalidSetting("replayOf", "replayOf (re-train) and rescoreOf (re-score) are two "
                    + "runs: ask for one");
        }
        String field = replayOf != null ? "replayOf" : "rescoreOf";
        String of = replayOf != null ? replayOf : rescoreOf;
        if (!RUN_ID.matcher(of).matches()) {
            throw new RunConfig.InvalidSetting(field, field + " " + RunConfig.shown(of) + " is not a run id");
        }
        if (replayFromOffset != null && replayFromTime != null) {
            throw new RunConfig.InvalidSetting("replayFromOffset", "replayFromOffset or replayFromTime, not both");
        }
        if (replayFromOffset != null && replayFromOffset < 0) {
            throw new RunConfig.InvalidSetting("replayFromOffset", "replayFromOffset must be >= 0, was "
                    + replayFromOffset);
        }
        String fixed = problemId != null ? "problemId" : steps != null ? "steps" : groupsPerBatch != null
                ? "groupsPerBatch" : groupSize != null ? "groupSize" : target != null ? "target" : null;
        if (fixed != null) {
            throw new RunConfig.InvalidSetting(fixed, fixed + " of a replay run is the recorded run's; leave it out");
        }
        return new Replay(replayOf != null ? Replay.Kind.RETRAIN : Replay.Kind.RESCORE, of, replayFromOffset,
                replayFromTime);
    }

    /**
     * A replay run's settings: the recorded run's shape, this request's training settings. A re-train trains with the
     * recorded candidates' backend when a training backend has that name, unless the request names one.
     */
    RunConfig toConfig(RecordedShape shape, java.util.List<String> trainingBackends) {
        String backend = trainingBackend != null ? trainingBackend
                : trainingBackends.contains(shape.backend()) ? shape.backend() : null;
        return RunConfig.withDefaults(shape.problemId(), shape.steps(), shape.groupsPerBatch(), shape.groupSize(),
                shape.target(), seed, learningRate, klCoef, advantage, backend, warmStart, groupDeadlineSeconds,
                baseModel, loraRank);
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
