package io.tttdiscover.cli;

import io.tttdiscover.cli.report.EvaluationThroughput;
import io.tttdiscover.cli.report.PipelineFigures;
import io.tttdiscover.protocol.event.CandidateEvent;
import io.tttdiscover.protocol.event.EvaluationTimings;
import io.tttdiscover.protocol.event.EvaluatorInfo;
import io.tttdiscover.protocol.event.RewardEvent;
import io.tttdiscover.protocol.event.RewardStatus;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PipelineFiguresTest {

    @Test
    void medianQueueLatencyAndBusyFraction() {
        List<RewardEvent> rewards = List.of(timed(0, 100, 300), timed(0, 400, 500), timed(50, 1000, 1600));
        PipelineFigures f = PipelineFigures.of(rewards, 2000);
        assertEquals(400, f.medianQueueMs());
        assertEquals(200, f.medianEvalMs());
        assertEquals(900, f.evalBusyMs());
        assertEquals(0.45, f.busyFraction(), 1e-12);
    }

    @Test
    void throughputRunsFromTheFirstPublicationToTheLastEndAndCountsEachEvaluator() {
        List<RewardEvent> rewards = List.of(timed(1000, 1100, 3000, "node/evaluator"),
                timed(1000, 1200, 2200, "node/evaluator-2"), timed(1500, 3000, 4600, "node/evaluator"),
                timed(1500, 2200, 3100, "node/evaluator-2"), timed(0, 0, 0, "never started"));
        EvaluationThroughput t = EvaluationThroughput.of(rewards);
        assertEquals(4, t.evaluated());
        assertEquals(3600, t.spanMs());
        assertEquals(1900 + 1000 + 1600 + 900, t.busyMs());
        assertEquals(4000, t.perHour(), 1e-9);
        assertEquals(Map.of("node/evaluator", 2, "node/evaluator-2", 2), t.counts());
        assertEquals(new EvaluationThroughput.Share(2, 1900 + 1600, 3600), t.byEvaluator().get("node/evaluator"));
        assertEquals(new EvaluationThroughput.Share(2, 1000 + 900, 2100), t.byEvaluator().get("node/evaluator-2"));
        String text = t.render();
        assertTrue(text.startsWith("throughput: 4 candidates in 3.6 s"), text);
        assertTrue(text.contains("4000 per hour"), text);
        assertTrue(text.contains("node/evaluator-2               2 evaluated, busy 1.9 s, done at 2.1 s"), text);
        assertEquals("throughput: no candidate evaluated\n", EvaluationThroughput.of(List.of()).render());
    }

    private static RewardEvent timed(long created, long started, long finished, String host) {
        RewardEvent r = timed(created, started, finished);
        return new RewardEvent(r.schemaVersion(), r.runId(), r.step(), r.group(), r.sample(), r.problemId(),
                r.status(), r.message(), r.reward(), r.runtimeUs(), r.benchmarks(), r.tests(), r.checksFired(),
                new EvaluatorInfo("v", host, null, null, null, null, null, null, null, null, null), r.timings(),
                r.candidate());
    }

    private static RewardEvent timed(long created, long started, long finished) {
        CandidateEvent c = new CandidateEvent(1, "c" + started, "p", "run", 0, 0, 0, "trimul", null, 0, "embedded",
                "code", null, "cpu", null, created);
        return new RewardEvent(1, "run", 0, 0, 0, "trimul", RewardStatus.OK, null, 1, 1.0, List.of(), null,
                List.of(), null, new EvaluationTimings(created, created, started, finished, 0, 0, 0), c);
    }
}
