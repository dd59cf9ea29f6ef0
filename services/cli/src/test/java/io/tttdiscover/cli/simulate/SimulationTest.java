package io.tttdiscover.cli.simulate;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class SimulationTest {

    @Test
    void aSeedThatNeverReachedTheTargetCountsAsInfinitelyManyEvaluations() {
        Simulation.StrategyResult r = Simulation.summarize("x", List.of(
                new Simulation.SeedResult(0, 100, 10, 5.0), new Simulation.SeedResult(1, 100, null, 7.0),
                new Simulation.SeedResult(2, 100, 30, 5.0), new Simulation.SeedResult(3, 100, 20, null)));
        assertEquals(3, r.reached());
        assertEquals(1, r.never());
        assertEquals(25.0, r.medianEvaluations());
        assertEquals(10, r.minEvaluations());
        assertNull(r.maxEvaluations(), "never");
        assertEquals(6.0, r.medianBest());
        assertEquals(5.0, r.minBest());
        assertNull(r.maxBest(), "a seed that found nothing");

        Simulation.StrategyResult half = Simulation.summarize("y", List.of(
                new Simulation.SeedResult(0, 100, 10, 5.0), new Simulation.SeedResult(1, 100, null, 7.0)));
        assertNull(half.medianEvaluations(), "the median is decided by a seed that never reached it");
    }
}
