package io.tttdiscover.cli.simulate;

import io.tttdiscover.protocol.pack.ProblemPack;
import io.tttdiscover.protocol.pack.ProgramSpace;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The stage model measured on the H200 ({@code problems/trimul/gpu/stage-model-h200.json}, the README's figures)
 * against the TriMul space as it is now: a space that gains a CUDA alternative the model has no row for fails here,
 * naming the stage and key, so the model is re-measured ({@code lab.py stages}) together with the change.
 */
class MeasuredModelTest {
    private static final Path REPO = Path.of(System.getProperty("discover.home", "../..")).toAbsolutePath().normalize();

    @Test
    void theMeasuredModelCoversTheCudaSpaceAndItsBestIsTheFusedPipeline() {
        StageModel model = StageModel.read(REPO.resolve("problems/trimul/gpu/stage-model-h200.json"));
        ProblemPack pack = ProblemPack.load(REPO.resolve("problems"), "trimul");
        ProgramSpace space = pack.programSpace();
        ScoreOracle oracle = ScoreOracle.of(model, space);
        assertTrue(oracle.scoredDecisions().size() == space.size(), "every decision is named by a stage");

        Optimum best = Optimum.find(oracle);
        String program = space.describe(best.choices());
        // What the GPU measurements say: the fused projection and output kernels and the channel-major contraction
        // beat every other routine, so the space's best under the model is built from them.
        assertTrue(program.contains("projections=triton_fused_ln_proj"), program);
        assertTrue(program.contains("output=triton_fused_out_fp16"), program);
        assertTrue(program.contains("contraction=bmm_channel_major"), program);
        double plain = oracle.score(space.decisions().stream().map(d -> 0).toList());
        assertTrue(best.score() * 5 < plain, "the fused pipeline is over 5x faster than the plain program: "
                + best.score() + " vs " + plain);
    }
}
