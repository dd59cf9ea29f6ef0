package io.tttdiscover.protocol.pack;

import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChoosableTest {
    private static Alternative alt(String name, String... devices) {
        return new Alternative(name, List.of(devices), "x = '" + name + "'");
    }

    /** kernel: torch | triton (cuda); block: v64 | v128 (cuda), active only under triton; dtype: f32 | f16. */
    private static ProgramSpace space() {
        return new ProgramSpace("p", "{{kernel}}\n{{block}}\n{{dtype}}", List.of(
                new Decision("kernel", "", List.of(alt("torch", "cpu", "cuda"), alt("triton", "cuda"))),
                new Decision("block", "", List.of(alt("v64", "cpu", "cuda"), alt("v128", "cuda")),
                        new ActiveWhen("kernel", List.of("triton"))),
                new Decision("dtype", "", List.of(alt("f32", "cpu", "cuda"), alt("f16", "cpu", "cuda")))));
    }

    @Test
    void aDecisionIsActiveOnlyUnderTheNamedAlternativesOfAnEarlierOne() {
        Choosable c = space().choosable("cuda");
        assertFalse(c.active(1, List.of(0, 1, 0)), "block under torch");
        assertTrue(c.active(1, List.of(1, 0, 0)), "block under triton");
        assertTrue(c.active(0, List.of(0, 0, 0)));
        assertTrue(c.active(2, List.of(0, 0, 0)));
        assertTrue(Choosable.of(space().available("cuda")).active(1, List.of(0, 1, 0)), "no conditions: always");
    }

    @Test
    void programsCountsOnlyChoicesThatChangeTheProgram() {
        // cuda: torch x {f32, f16} + triton x {v64, v128} x {f32, f16} = 2 + 4; cpu: torch only, block inactive: 2
        assertEquals(BigInteger.valueOf(6), space().choosable("cuda").programs());
        assertEquals(BigInteger.valueOf(2), space().choosable("cpu").programs());
        assertEquals(BigInteger.valueOf(8), Choosable.of(space().available("cuda")).programs(), "2 x 2 x 2 without");
    }

    @Test
    void activeWhenMustNameAnEarlierDecisionAndItsAlternatives() {
        Decision kernel = new Decision("kernel", "", List.of(alt("torch"), alt("triton")));
        IllegalArgumentException later = assertThrows(IllegalArgumentException.class, () -> new ProgramSpace("p",
                "{{block}}{{kernel}}", List.of(new Decision("block", "", List.of(alt("v64")),
                        new ActiveWhen("kernel", List.of("triton"))), kernel)));
        assertEquals("decision block: active_when names kernel, which is not an earlier decision",
                later.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> new ProgramSpace("p",
                "{{kernel}}{{block}}", List.of(kernel, new Decision("block", "", List.of(alt("v64")),
                        new ActiveWhen("kernel", List.of("cutlass"))))));
        assertEquals("decision block: active_when names kernel=cutlass, which is no alternative of kernel",
                unknown.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ActiveWhen("kernel", List.of()));
    }

    /** The TriMul pack's knobs matter only under the kernels that read them; counted by hand from the YAML. */
    @Test
    void theTriMulSpaceCountsItsDistinctCudaPrograms() {
        ProgramSpace trimul = ProblemPack.load(Path.of("../../problems"), "trimul").programSpace();
        Choosable cuda = trimul.choosable("cuda");
        long total = 0;
        int proj = index(trimul, "projections");
        int out = index(trimul, "output");
        for (int p = 0; p < trimul.decisions().get(proj).size(); p++) {
            for (int o = 0; o < trimul.decisions().get(out).size(); o++) {
                if (!cuda.available(proj)[p] || !cuda.available(out)[o]) {
                    continue;
                }
                String pn = trimul.decisions().get(proj).alternatives().get(p).name();
                String on = trimul.decisions().get(out).alternatives().get(o).name();
                boolean fusedProjection = pn.startsWith("triton_fused");
                long n = cuda.count(index(trimul, "input_norm")) * cuda.count(index(trimul, "precision"))
                        * cuda.count(index(trimul, "contraction")) * cuda.count(index(trimul, "output_dtype"));
                if (!fusedProjection) {
                    n *= cuda.count(index(trimul, "gating")) * cuda.count(index(trimul, "masking"));
                }
                if (pn.equals("triton_fused_ln_proj")) {
                    for (String k : List.of("proj_block_m", "proj_block_k", "proj_warps", "proj_stages",
                            "proj_split")) {
                        n *= cuda.count(index(trimul, k));
                    }
                }
                if (on.equals("triton_fused_out_fp16")) {
                    for (String k : List.of("out_block_m", "out_block_c", "out_warps")) {
                        n *= cuda.count(index(trimul, k));
                    }
                }
                total += n;
            }
        }
        assertEquals(BigInteger.valueOf(total), cuda.programs());
        assertTrue(total >= 10_000, "the space holds at least 10,000 CUDA programs: " + total);
    }

    private static int index(ProgramSpace space, String name) {
        for (int d = 0; d < space.size(); d++) {
            if (space.decisions().get(d).name().equals(name)) {
                return d;
            }
        }
        throw new AssertionError("no decision " + name);
    }
}
