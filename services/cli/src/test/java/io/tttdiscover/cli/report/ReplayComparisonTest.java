package io.tttdiscover.cli.report;

import com.fasterxml.jackson.databind.JsonNode;
import io.tttdiscover.protocol.event.EventCodec;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

class ReplayComparisonTest {

    @Test
    void aRescoreReportSaysWhatChangedAndListsOnlyChangedCandidates() throws Exception {
        JsonNode report = EventCodec.mapper().readTree("""
                {"of":"run-a","candidates":3,"rescored":3,"statusChanged":1,"transitions":{"OK->INCORRECT":1},
                 "rewardRatioMedian":1.5,"rewardRatioMin":1.0,"rewardRatioMax":2.0,
                 "recordedBest":{"candidateId":"run-a-s0-g0-1","recordedRuntimeUs":40.0,"recordedStatus":"OK",
                                 "newStatus":"INCORRECT","newRuntimeUs":null},
                 "newBest":{"candidateId":"run-a-s0-g0-0","recordedRuntimeUs":50.0,"recordedStatus":"OK",
                            "newStatus":"OK","newRuntimeUs":25.0},
                 "bestChanged":true,
                 "rows":[
                  {"candidateId":"run-a-s0-g0-0","recordedStatus":"OK","recordedReward":2.0,"recordedRuntimeUs":50.0,
                   "newStatus":"OK","newReward":4.0,"newRuntimeUs":25.0},
                  {"candidateId":"run-a-s0-g0-1","recordedStatus":"OK","recordedReward":2.5,"recordedRuntimeUs":40.0,
                   "newStatus":"INCORRECT","newReward":0.0,"newRuntimeUs":null},
                  {"candidateId":"run-a-s0-g0-2","recordedStatus":"OK","recordedReward":1.0,"recordedRuntimeUs":100.0,
                   "newStatus":"OK","newReward":1.01,"newRuntimeUs":99.0}]}""");
        String text = ReplayComparison.rescore(report, 20);
        assertTrue(text.contains("3 of 3 candidates of run run-a evaluated again"), text);
        assertTrue(text.contains("status changed: 1 (OK->INCORRECT 1)"), text);
        assertTrue(text.contains("median 1.5000 (min 1.0000, max 2.0000)"), text);
        assertTrue(text.contains("recorded best: run-a-s0-g0-1 recorded 40.0 us (OK), now - us (INCORRECT)"), text);
        assertTrue(text.contains("new best:      run-a-s0-g0-0 recorded 50.0 us (OK), now 25.0 us (OK)"), text);
        assertTrue(text.contains("the best program changed"), text);
        assertTrue(text.contains("(2, up to 20 shown)"), "a 1% change is not listed: " + text);
        assertTrue(!text.contains("run-a-s0-g0-2 "), text);
    }
}
