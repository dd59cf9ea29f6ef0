package io.tttdiscover.cli.run;

import io.tttdiscover.cli.report.PipelineFigures;
import io.tttdiscover.protocol.event.CandidateEvent;
import io.tttdiscover.protocol.event.EvaluationTimings;
import io.tttdiscover.protocol.event.EvaluatorInfo;
import io.tttdiscover.protocol.event.MaskSemantics;
import io.tttdiscover.protocol.event.RewardEvent;
import io.tttdiscover.protocol.event.RewardStatus;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunReportTest {

    @Test
    void theSummaryShowsTheRunsMaskSemantics() {
        RunOutcome o = outcome("official-all-ones", List.of(reward("official-all-ones"), reward(null)));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        RunReport.print(o, 0, 1, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String printed = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("\n  mask semantics       official-all-ones\n"), printed);
    }

    @Test
    void evaluationsUnderOtherSemanticsAreCounted() {
        RunOutcome o = outcome("as-specified",
                List.of(reward("as-specified"), reward("official-all-ones"), reward("official-all-ones")));
        assertEquals("as-specified; evaluations recorded as-specified 1x, official-all-ones 2x",
                RunReport.maskSemantics(o));
        assertEquals("not recorded by the trainer; evaluations recorded as-specified 1x",
                RunReport.maskSemantics(outcome(null, List.of(reward("as-specified")))));
    }

    private static RunOutcome outcome(String mask, List<RewardEvent> rewards) {
        return new RunOutcome("run-1", "COMPLETED", null, mask, List.of(), null, rewards, 0, 1000,
                PipelineFigures.of(rewards, 1000), List.of());
    }

    private static RewardEvent reward(String recordedMask) {
        CandidateEvent c = new CandidateEvent(1, "c", "p", "run-1", 0, 0, 0, "trimul", null, 0, "embedded", "code",
                null, "cpu", MaskSemantics.AS_SPECIFIED, 0);
        EvaluatorInfo info = recordedMask == null ? null
                : new EvaluatorInfo("1", "host", "slot-0", "cpu", null, null, null, null, null, recordedMask, null);
        return new RewardEvent(1, "run-1", 0, 0, 0, "trimul", RewardStatus.OK, null, 1, 1.0, List.of(), null,
                List.of(), info, new EvaluationTimings(0, 0, 10, 20, 0, 0, 0), c);
    }
}
