package io.tttdiscover.trainer.rest;

import io.tttdiscover.protocol.api.RunRequest;
import io.tttdiscover.protocol.event.MaskSemantics;
import io.tttdiscover.trainer.service.RecordedShape;
import io.tttdiscover.trainer.service.Replay;
import io.tttdiscover.trainer.service.RunConfig;

import java.util.regex.Pattern;

/** What the trainer makes of a POST /runs body ({@link RunRequest}, the protocol's): a run's settings and replay. */
final class RunRequests {
    private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    static RunConfig toConfig(RunRequest r) {
        return RunConfig.withDefaults(r.problemId(), r.steps(), r.groupsPerBatch(), r.groupSize(), r.target(),
                r.seed(), r.learningRate(), r.klCoef(), r.advantage(), r.trainingBackend(), r.warmStart(),
                r.groupDeadlineSeconds(), r.baseModel(), r.loraRank());
    }

    /**
     * What the run replays; null for a live run.
     *
     * @throws RunConfig.InvalidSetting for both kinds at once, a malformed run id, a start without a replay, or a
     *                                  setting that a replay takes from the recorded run
     */
    static Replay replay(RunRequest r) {
        if (r.replayOf() == null && r.rescoreOf() == null) {
            if (r.replayFromOffset() != null || r.replayFromTime() != null) {
                throw new RunConfig.InvalidSetting("replayOf", "replayFromOffset and replayFromTime need replayOf "
                        + "or rescoreOf");
            }
            return null;
        }
        if (r.replayOf() != null && r.rescoreOf() != null) {
            throw new RunConfig.InvalidSetting("replayOf", "replayOf (re-train) and rescoreOf (re-score) are two "
                    + "runs: ask for one");
        }
        String field = r.replayOf() != null ? "replayOf" : "rescoreOf";
        String of = r.replayOf() != null ? r.replayOf() : r.rescoreOf();
        if (!RUN_ID.matcher(of).matches()) {
            throw new RunConfig.InvalidSetting(field, field + " " + RunConfig.shown(of) + " is not a run id");
        }
        if (r.replayFromOffset() != null && r.replayFromTime() != null) {
            throw new RunConfig.InvalidSetting("replayFromOffset", "replayFromOffset or replayFromTime, not both");
        }
        if (r.replayFromOffset() != null && r.replayFromOffset() < 0) {
            throw new RunConfig.InvalidSetting("replayFromOffset", "replayFromOffset must be >= 0, was "
                    + r.replayFromOffset());
        }
        String fixed = r.problemId() != null ? "problemId" : r.steps() != null ? "steps" : r.groupsPerBatch() != null
                ? "groupsPerBatch" : r.groupSize() != null ? "groupSize" : r.target() != null ? "target" : null;
        if (fixed != null) {
            throw new RunConfig.InvalidSetting(fixed, fixed + " of a replay run is the recorded run's; leave it out");
        }
        return new Replay(r.replayOf() != null ? Replay.Kind.RETRAIN : Replay.Kind.RESCORE, of, r.replayFromOffset(),
                r.replayFromTime());
    }

    /**
     * A replay run's settings: the recorded run's shape, this request's training settings. A re-train trains with the
     * recorded candidates' backend when a training backend has that name, unless the request names one.
     */
    static RunConfig toConfig(RunRequest r, RecordedShape shape, java.util.List<String> trainingBackends) {
        String backend = r.trainingBackend() != null ? r.trainingBackend()
                : trainingBackends.contains(shape.backend()) ? shape.backend() : null;
        return RunConfig.withDefaults(shape.problemId(), shape.steps(), shape.groupsPerBatch(), shape.groupSize(),
                shape.target(), r.seed(), r.learningRate(), r.klCoef(), r.advantage(), backend, r.warmStart(),
                r.groupDeadlineSeconds(), r.baseModel(), r.loraRank());
    }

    /** @throws RunConfig.InvalidSetting naming the accepted values, for an unknown one */
    static MaskSemantics maskSemantics(RunRequest r) {
        if (r.maskSemantics() == null) {
            return null;
        }
        try {
            return MaskSemantics.parse(r.maskSemantics());
        } catch (IllegalArgumentException e) {
            throw new RunConfig.InvalidSetting("maskSemantics", r.maskSemantics().length() <= 64 ? e.getMessage()
                    : "maskSemantics " + RunConfig.shown(r.maskSemantics()) + " is not a mask semantics");
        }
    }

    private RunRequests() {
    }
}
