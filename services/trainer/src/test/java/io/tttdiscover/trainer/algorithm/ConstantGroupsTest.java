package io.tttdiscover.trainer.algorithm;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConstantGroupsTest {

    @Test
    void constantGroupsAreDropped() {
        ConstantGroups.Selection s = ConstantGroups.dropConstant(List.of(
                new double[]{0, 0, 0}, new double[]{0, 1, 0}, new double[]{2, 2}, new double[]{1, 3}));
        assertEquals(List.of(1, 3), s.kept());
        assertFalse(s.noGradient());
    }

    @Test
    void allConstantKeepsOneAndFlagsNoGradient() {
        ConstantGroups.Selection s = ConstantGroups.dropConstant(List.of(new double[]{0, 0}, new double[]{1, 1}));
        assertEquals(List.of(0), s.kept());
        assertTrue(s.noGradient());
    }
}
