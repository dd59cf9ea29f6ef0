package io.tttdiscover.cli.run;

import io.tttdiscover.protocol.api.StepProgress;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RunWatcherTest {

    @Test
    void theProgressLineCountsTheStepInFlight() {
        StepProgress p = new StepProgress("run-1", 1, 6, 4, 6, 3, 12, 7, 2, 0, 74_900);
        assertEquals("  step 2/6: 10 sampled, 7/18 evaluated (2 failed), 4 of 6 groups out, 1:14",
                RunWatcher.progressLine(p, 10));
    }
}
