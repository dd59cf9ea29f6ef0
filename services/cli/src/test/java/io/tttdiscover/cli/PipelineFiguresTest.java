package io.tttdiscover.cli;

import io.tttdiscover.cli.report.PipelineFigures;
import io.tttdiscover.protocol.event.CandidateEvent;
import io.tttdiscover.protocol.event.EvaluationTimings;
import io.tttdiscover.protocol.event.RewardEvent;
import io.tttdiscover.protocol.event.RewardStatus;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

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

    private static RewardEvent timed(long created, long started, long finished) {
        CandidateEvent c = new CandidateEvent(1, "c" + started, "p", "run", 0, 0, 0, "trimul", null, 0, "embedded",
                "code", null, "cpu", null, created);
        return new RewardEvent(1, "run", 0, 0, 0, "trimul", RewardStatus.OK, null, 1, 1.0, List.of(), null,
                List.of(), null, new EvaluationTimings(created, created, started, finished, 0, 0, 0), c);
    }
}
