package io.tttdiscover.protocol.pack;

import io.tttdiscover.protocol.Topics;
import io.tttdiscover.protocol.event.MaskSemantics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProblemPackTest {

    static Path writePack(Path root) throws IOException {
        Path dir = Files.createDirectories(root.resolve("toy"));
        Files.writeString(dir.resolve("pack.yml"), """
                id: toy
                reward_scale: 1500
                target_us: 1000
                tolerance: {atol: 0.02, rtol: 0.02}
                timeouts: {cpu: 30, cuda: 530}
                prompt: prompt.md
                program_space: space.yml
                """);
        Files.writeString(dir.resolve("prompt.md"), "Improve:\n{{parent_code}}\nnow {{parent_runtime_us}} us");
        Files.writeString(dir.resolve("template.py"), "{{norm}}\n\n{{matmul}}\n");
        Files.writeString(dir.resolve("space.yml"), """
                problem: toy
                template: template.py
                decisions:
                  - name: norm
                    description: how to normalise
                    alternatives:
                      - name: plain
                        devices: [cpu, cuda]
                        code: |
                          def norm(x): return x
                      - name: triton
                        devices: [cuda]
                        code: |
                          def norm(x): return triton_norm(x)
                  - name: matmul
                    alternatives:
                      - name: fp32
                        code: |
                          def mm(a, b): return a @ b
                """);
        return root;
    }

    @Test
    void readsThePackAndRendersPrograms(@TempDir Path root) throws IOException {
        ProblemPack pack = ProblemPack.load(writePack(root), "toy");
        assertEquals("toy", pack.id());
        assertEquals(1500, pack.rewardScale());
        assertEquals(0.02, pack.atol());
        assertEquals(530, pack.timeoutSeconds("cuda"));

        ProgramSpace space = pack.programSpace();
        assertEquals(2, space.size());
        assertEquals(List.of(0, 0), space.baseline());
        assertEquals("def norm(x): return triton_norm(x)\n\ndef mm(a, b): return a @ b\n",
                space.render(List.of(1, 0)));
        assertEquals("norm=triton, matmul=fp32", space.describe(List.of(1, 0)));
        assertArrayEquals(new boolean[]{true, false}, space.available("cpu").get(0));
        assertArrayEquals(new boolean[]{true}, space.available("cpu").get(1));
        assertThrows(IllegalArgumentException.class, () -> space.render(List.of(2, 0)));
    }

    @Test
    void maskSemanticsDefaultsToAsSpecifiedAndIsReadFromThePack(@TempDir Path root) throws IOException {
        ProblemPack pack = ProblemPack.load(writePack(root), "toy");
        assertEquals(MaskSemantics.AS_SPECIFIED, pack.maskSemantics(), "a pack without the key");

        Path yml = root.resolve("toy/pack.yml");
        Files.writeString(yml, Files.readString(yml) + "mask_semantics: official-all-ones\n");
        assertEquals(MaskSemantics.OFFICIAL_ALL_ONES, ProblemPack.load(root, "toy").maskSemantics());

        Files.writeString(yml, Files.readString(yml).replace("official-all-ones", "sometimes"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ProblemPack.load(root, "toy").maskSemantics());
        assertTrue(e.getMessage().contains("'sometimes'"), e.getMessage());
    }

    @Test
    void fillsPromptPlaceholders(@TempDir Path root) throws IOException {
        ProblemPack pack = ProblemPack.load(writePack(root), "toy");
        assertEquals("Improve:\nx = 1\nnow 12.5 us", ProblemPack.fill(pack.promptTemplate(),
                Map.of("parent_code", "x = 1", "parent_runtime_us", "12.5")));
    }

    @Test
    void rendersTheKernelPromptForAStateWithAndWithoutCode(@TempDir Path root) throws IOException {
        ProblemPack pack = ProblemPack.load(writePack(root), "toy");
        Files.writeString(pack.dir().resolve("prompt.md"), "Make it fast.\n{{parent_section}}\nTarget {{target_us}}.");
        assertEquals("Make it fast.\nHere is the last code we ran:\n\n```python\ns = '{{target_us}}'\n```\n\n"
                        + "Its runtime is 2400 us (2.40x slower than the target; target 1000 us).\nTarget 1000.",
                pack.renderPrompt("s = '{{target_us}}'\n", 2400.0));
        assertEquals("Make it fast.\nThere is no previous code yet: write the first version.\nTarget 1000.",
                pack.renderPrompt(null, null));
        assertEquals("already 2.00x faster than the target; make it faster still", ProblemPack.gap(500.0, 1000));
    }

    @Test
    void maxProgramBytesDefaultsTo256KiBAndIsBoundedByWhatARecordCarries(@TempDir Path root) throws IOException {
        assertEquals(256 * 1024, ProblemPack.load(writePack(root), "toy").maxProgramBytes());
        Path yml = root.resolve("toy/pack.yml");
        String base = Files.readString(yml);
        Files.writeString(yml, base + "max_program_bytes: 1000\n");
        assertEquals(1000, ProblemPack.load(root, "toy").maxProgramBytes());
        Files.writeString(yml, base + "max_program_bytes: " + (Topics.MAX_PROGRAM_BYTES + 1) + "\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ProblemPack.load(root, "toy").maxProgramBytes());
        assertTrue(e.getMessage().contains("max_program_bytes must be 1.." + Topics.MAX_PROGRAM_BYTES), e.getMessage());
    }

    @Test
    void theTriMulPackDeclaresItsLimit() {
        assertEquals(262144, ProblemPack.load(Path.of("../../problems"), "trimul").maxProgramBytes());
    }

    @Test
    void aMissingPackSaysWhereItLooked(@TempDir Path root) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ProblemPack.load(root, "nope"));
        assertEquals(true, e.getMessage().contains("nope"));
    }
}
