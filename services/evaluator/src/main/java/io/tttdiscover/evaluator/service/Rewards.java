package io.tttdiscover.evaluator.service;

import io.tttdiscover.protocol.event.CandidateEvent;
import io.tttdiscover.protocol.event.EvaluationTimings;
import io.tttdiscover.protocol.event.EvaluatorInfo;
import io.tttdiscover.protocol.event.Event;
import io.tttdiscover.protocol.event.RewardEvent;
import io.tttdiscover.protocol.event.RewardStatus;
import io.tttdiscover.protocol.event.TestSummary;

import java.util.List;

/** Reward events that carry no measurement: the candidate failed before or outside the harness. */
public final class Rewards {
    private Rewards() {
    }

    public static RewardEvent failure(CandidateEvent c, RewardStatus status, String message, EvaluatorInfo evaluator,
                                      long receivedAtMs) {
        long now = System.currentTimeMillis();
        EvaluationTimings timings = new EvaluationTimings(c.createdAtMs(), receivedAtMs, now, now, 0, 0, 0);
        return new RewardEvent(Event.CURRENT_SCHEMA, c.runId(), c.step(), c.group(), c.sample(), c.problemId(),
                status, message, 0.0, null, List.of(), new TestSummary(0, 0), List.of(), evaluator, timings, c);
    }
}
