package io.tttdiscover.protocol.api;

import io.tttdiscover.protocol.event.EventCodec;
import io.tttdiscover.protocol.event.MaskSemantics;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunRequestTest {

    @Test
    void aLiveRunSetsItsShapeAndLeavesTheRestToTheTrainer() {
        RunRequest r = RunRequest.live("trimul", 3, 2, 4, "cpu", 7, MaskSemantics.OFFICIAL_ALL_ONES);
        assertEquals("trimul", r.problemId());
        assertEquals(3, r.steps());
        assertEquals(2, r.groupsPerBatch());
        assertEquals(4, r.groupSize());
        assertEquals(7L, r.seed());
        assertEquals("official-all-ones", r.maskSemantics());
        assertNull(r.learningRate());
        assertEquals("{\"problemId\":\"trimul\",\"steps\":3,\"groupsPerBatch\":2,\"groupSize\":4,\"target\":\"cpu\","
                + "\"seed\":7,\"maskSemantics\":\"official-all-ones\"}", EventCodec.encode(r), "absent fields are not sent");
    }

    @Test
    void fieldsSetByNameKeepTheOthersAndAnUnknownNameOrTypeFails() {
        RunRequest r = RunRequest.live("trimul", 3, 2, 4, "cpu", 7, null).with(Map.of("learningRate", 0.3,
                "steps", 5));
        assertEquals(0.3, r.learningRate());
        assertEquals(5, r.steps());
        assertEquals("trimul", r.problemId());
        IllegalArgumentException typo = assertThrows(IllegalArgumentException.class,
                () -> r.with(Map.of("learningRat", 0.3)));
        assertTrue(typo.getMessage().contains("learningRat"), typo.getMessage());
        assertThrows(IllegalArgumentException.class, () -> r.with(Map.of("steps", "many")));
    }
}
