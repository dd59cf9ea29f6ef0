package io.tttdiscover.evaluator.trimul;

import io.tttdiscover.evaluator.PythonTorch;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CPU-runnable part of the reward-hacking suite: every hack candidate in problems/trimul/harness/tests ends with
 * the status and check it declares (REJECTED/INCORRECT/TIMEOUT/CRASHED), every honest one is accepted, and the
 * worker's result checks (physics floor, timer disagreement, forged results) fire on synthetic results.
 */
class HackSuiteTest {

    @Test
    void everyHackIsCaughtAndEveryHonestKernelPasses() throws Exception {
        PythonTorch.assumeAvailable();
        Process p = new ProcessBuilder(PythonTorch.PYTHON, "problems/trimul/harness/tests/run_hack_suite.py",
                "--pack", "problems/trimul", "--device", "cpu")
                .directory(PythonTorch.REPO.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(600, TimeUnit.SECONDS), "run_hack_suite.py did not finish");
        assertEquals(0, p.exitValue(), "hack suite failed:\n" + out);
    }
}
