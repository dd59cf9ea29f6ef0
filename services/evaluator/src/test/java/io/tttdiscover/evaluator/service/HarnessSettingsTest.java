package io.tttdiscover.evaluator.service;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class HarnessSettingsTest {

    @Test
    void maxTimedRunsBecomesTheWorkersMaxRunsAndUnsetLeavesThePacksTiming() {
        assertEquals(List.of("--max-runs", "2"), cpu(Optional.of(2)).workerOptions());
        assertEquals(List.of(), cpu(Optional.empty()).workerOptions());
    }

    @Test
    void fewerThanTwoTimedRunsAreRefused() {
        // One timed call leaves no spread to stop on; the harness needs two.
        assertThrows(IllegalArgumentException.class, () -> cpu(Optional.of(1)));
    }

    private static HarnessSettings cpu(Optional<Integer> maxTimedRuns) {
        return new HarnessSettings(Optional.of("/usr/bin/python3"), "cpu", Optional.empty(), Duration.ofSeconds(30),
                Duration.ofSeconds(300), maxTimedRuns, 128);
    }
}
