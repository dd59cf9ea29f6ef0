package io.tttdiscover.trainer.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.tttdiscover.protocol.event.EventCodec;
import io.tttdiscover.trainer.domain.Run;
import io.tttdiscover.trainer.service.Replay;
import io.tttdiscover.trainer.service.RunConfig;

/**
 * A run as the API shows it.
 *
 * @param maskSemantics what the run's candidates are evaluated with; null for a run from before it was recorded
 * @param replay        what a replay run replays; null for a live run
 */
public record RunView(String id, String problemId, String status, RunConfig config, String maskSemantics,
                      int currentStep, int stepsDone, Double bestRuntimeUs, String bestCandidateId, long createdAt,
                      Long finishedAt, String message, Replay replay) {

    static RunView of(Run run) {
        RunConfig config;
        try {
            config = EventCodec.mapper().readValue(run.config, RunConfig.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("run " + run.id + " has an unreadable config", e);
        }
        return new RunView(run.id, run.problemId, run.status.name(), config, run.maskSemantics, run.currentStep,
                run.stepsDone, run.bestRuntimeUs, run.bestCandidateId, run.createdAt, run.finishedAt, run.message,
                replay(run));
    }

    /** What the run replays; null for a live run. */
    static Replay replay(Run run) {
        if (run.replay == null) {
            return null;
        }
        try {
            return EventCodec.mapper().readValue(run.replay, Replay.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("run " + run.id + " has an unreadable replay", e);
        }
    }
}
