package io.tttdiscover.evaluator.trimul;

import io.tttdiscover.evaluator.PythonTorch;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every CPU alternative of the TriMul program space passes the real harness (check_space.py exits 0). */
class ProgramSpaceCheckTest {

    @Test
    void everyCpuAlternativeIsCorrect() throws Exception {
        PythonTorch.assumeAvailable();
        Process p = new ProcessBuilder(PythonTorch.PYTHON, "problems/trimul/harness/check_space.py",
                "--pack", "problems/trimul", "--device", "cpu")
                .directory(PythonTorch.REPO.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(600, TimeUnit.SECONDS), "check_space.py did not finish");
        assertEquals(0, p.exitValue(), "check_space.py failed:\n" + out);
    }
}
