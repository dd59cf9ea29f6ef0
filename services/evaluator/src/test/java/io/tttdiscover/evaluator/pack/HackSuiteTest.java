package io.tttdiscover.evaluator.pack;

import io.tttdiscover.evaluator.PythonTorch;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CPU-runnable part of the reward-hacking suite, for every pack, through the shared harness
 * (problems/_harness/hack_suite.py): every hack candidate in problems/&lt;id&gt;/tests ends with the status and check
 * it declares, every honest one is accepted, no harness module is importable by a candidate, and the pack's own test
 * scripts pass.
 */
class HackSuiteTest {

    static List<String> packs() {
        return PythonTorch.packs();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("packs")
    void everyHackIsCaughtAndEveryHonestCandidatePasses(String pack) throws Exception {
        PythonTorch.assumeAvailable();
        Process p = new ProcessBuilder(PythonTorch.PYTHON, "problems/_harness/hack_suite.py",
                "--pack", "problems/" + pack, "--device", "cpu",
                "--max-runs", PythonTorch.MAX_RUNS)
                .directory(PythonTorch.REPO.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(600, TimeUnit.SECONDS), "hack_suite.py did not finish");
        assertEquals(0, p.exitValue(), "hack suite of " + pack + " failed:\n" + out);
    }
}
