package io.tttdiscover.evaluator.harness;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tttdiscover.protocol.event.MaskSemantics;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The request line as the worker reads it (worker.py: id, code, timeout_s, optional mask_semantics). */
class WorkerRequestTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void carriesTheCandidatesMaskSemanticsByItsWireName() throws Exception {
        String line = new WorkerRequest("c-1", "x = 1", 60, MaskSemantics.OFFICIAL_ALL_ONES).line();
        assertEquals(JSON.readTree("{\"id\":\"c-1\",\"code\":\"x = 1\",\"timeout_s\":60.0,"
                + "\"mask_semantics\":\"official-all-ones\"}"), JSON.readTree(line));
    }

    @Test
    void leavesTheFieldOutWhenTheCandidateHasNone() throws Exception {
        String line = new WorkerRequest("c-2", "x = 2", 7.5, null).line();
        assertEquals(JSON.readTree("{\"id\":\"c-2\",\"code\":\"x = 2\",\"timeout_s\":7.5}"), JSON.readTree(line));
    }
}
