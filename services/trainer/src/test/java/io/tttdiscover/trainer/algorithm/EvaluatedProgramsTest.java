package io.tttdiscover.trainer.algorithm;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class EvaluatedProgramsTest {

    @Test
    void keepsEachProgramOnceInTheOrderFirstEvaluatedAndGivesTheLatest() {
        EvaluatedPrograms e = new EvaluatedPrograms();
        List<Integer> mutable = new ArrayList<>(List.of(0, 1));
        e.add(mutable);
        e.add(List.of(1, 1));
        e.add(List.of(0, 1)); // again: kept once, where it was first
        e.add(null);          // an LLM-written program: no choices
        e.add(List.of(2, 0));
        mutable.set(0, 9);    // a copy was kept
        assertEquals(3, e.size());
        assertEquals(List.of(List.of(0, 1), List.of(1, 1), List.of(2, 0)), e.latest(10));
        assertEquals(List.of(List.of(1, 1), List.of(2, 0)), e.latest(2));
        assertEquals(List.of(), e.latest(0));
        assertThrows(IllegalArgumentException.class, () -> e.latest(-1));
    }
}
