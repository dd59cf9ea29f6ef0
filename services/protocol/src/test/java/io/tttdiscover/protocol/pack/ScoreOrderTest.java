package io.tttdiscover.protocol.pack;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A pack's score order, bounds, harness and prompt, for a runtime pack and a higher-is-better construction. */
class ScoreOrderTest {

    @Test
    void aRuntimeIsBetterLowerAndItsRewardIsScaleOverIt() {
        ScoreOrder o = ScoreOrder.LOWER_IS_BETTER;
        assertTrue(o.better(900.0, 1000.0));
        assertFalse(o.better(1000.0, 1000.0));
        assertEquals(1.5, o.reward(1500, 1000), 1e-12);
        assertEquals(-1000.0, o.value(1000));
        assertTrue(o.better(Double.valueOf(5.0), null));
        assertFalse(o.better(null, Double.valueOf(5.0)));
    }

    @Test
    void aConstructionIsBetterHigherAndItsRewardIsScaleTimesIt() {
        ScoreOrder o = ScoreOrder.HIGHER_IS_BETTER;
        assertTrue(o.better(2.62, 2.61));
        assertFalse(o.better(2.61, 2.62));
        assertEquals(2.62, o.reward(1.0, 2.62), 1e-12);
        assertEquals(2.62, o.value(2.62));
        assertThrows(IllegalArgumentException.class, () -> ScoreOrder.parse("sideways"));
    }

    @Test
    void aValuePackReadsItsScoreBoundsHarnessAndPrompt(@TempDir Path root) throws IOException {
        Path dir = Files.createDirectories(root.resolve("circles"));
        Files.writeString(dir.resolve("pack.yml"), """
                id: circles
                score: {kind: value, better: higher, name: sum of radii, unit: "", min: 0, max: 2.8768}
                reward_scale: 1.0
                target: 2.635
                harness_options: ["--no-stage-ahead"]
                prompt: prompt.md
                """);
        Files.writeString(dir.resolve("prompt.md"), "now {{parent_score}}, {{gap}}, aim {{target}}\n{{parent_section}}");
        Files.createDirectories(root.resolve("_harness"));
        ProblemPack pack = ProblemPack.load(root, "circles");
        assertEquals(ScoreOrder.HIGHER_IS_BETTER, pack.scoreOrder());
        assertEquals(2.5, pack.reward(2.5), 1e-12);
        assertEquals(0.0, pack.minScore("cpu"));
        assertEquals(2.8768, pack.maxScore("cpu"));
        assertEquals("sum of radii", pack.scoreName());
        assertEquals("", pack.scoreUnit());
        assertEquals(root.resolve("_harness").resolve("worker.py"), pack.harness());
        assertEquals(List.of("--no-stage-ahead"), pack.harnessOptions());
        assertTrue(pack.renderPrompt("x = 1", 2.6).startsWith("now 2.6, 0.035 below the target, aim 2.635"),
                pack.renderPrompt("x = 1", 2.6));
        assertEquals(List.of("circles"), new ProblemPacks(root).ids(), "folders without a pack.yml are no packs");
    }
}
