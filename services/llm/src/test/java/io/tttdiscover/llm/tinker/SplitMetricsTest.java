package io.tttdiscover.llm.tinker;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class SplitMetricsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void reducesEachKeyByItsSuffixWeightingMeansByDatums() throws Exception {
        var first = JSON.readTree("{\"loss:sum\":-3.0,\"kl:mean\":0.5,\"clip:max\":2.0,\"lr:min\":1.0,"
                + "\"tokens:unique\":7,\"only_here:sum\":1.0,\"grad:slack\":1.0}");
        var second = JSON.readTree("{\"loss:sum\":-1.0,\"kl:mean\":2.0,\"clip:max\":5.0,\"lr:min\":0.5,"
                + "\"tokens:unique\":8,\"grad:slack\":4.0}");
        Map<String, Double> m = SplitMetrics.reduce(List.of(first, second), List.of(3, 1));
        assertEquals(-4.0, m.get("loss:sum"), 1e-12);
        assertEquals((0.5 * 3 + 2.0 * 1) / 4, m.get("kl:mean"), 1e-12, "weighted by datum count, not 1.25");
        assertEquals(5.0, m.get("clip:max"), 1e-12);
        assertEquals(0.5, m.get("lr:min"), 1e-12);
        assertEquals(4.0 - (1.0 * 3 + 4.0) / 4, m.get("grad:slack"), 1e-12);
        assertFalse(m.containsKey("tokens:unique"), "a reduction the SDK cannot fold is dropped");
        assertFalse(m.containsKey("only_here:sum"), "a key missing from one request is dropped");
    }
}
