package io.tttdiscover.cli.report;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CandidateCountTest {

    @Test
    void aCandidateIdNamesItsRunAndStep() {
        assertEquals(12, CandidateCount.stepOf("run-ab12-s12-g3-0", "run-ab12-s"));
        assertEquals(0, CandidateCount.stepOf("run-ab12-s0-g0-7", "run-ab12-s"));
    }

    @Test
    void anotherRunsOrAMalformedIdIsNotCounted() {
        assertEquals(-1, CandidateCount.stepOf("run-ab13-s1-g0-0", "run-ab12-s"));
        assertEquals(-1, CandidateCount.stepOf("run-ab12-sx-g0-0", "run-ab12-s"));
        assertEquals(-1, CandidateCount.stepOf("run-ab12-s1", "run-ab12-s"));
        assertEquals(-1, CandidateCount.stepOf(null, "run-ab12-s"));
    }
}
