package io.tttdiscover.evaluator.pack;

import io.tttdiscover.evaluator.PythonTorch;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every CPU alternative of every pack's program space passes the real harness (check_space.py exits 0). */
class ProgramSpaceCheckTest {

    static List<String> packs() {
        return PythonTorch.packs();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("packs")
    void everyCpuAlternativeIsCorrect(String pack) throws Exception {
        PythonTorch.assumeAvailable();
        Process p = new ProcessBuilder(PythonTorch.PYTHON, "problems/_harness/check_space.py",
                "--pack", "problems/" + pack, "--device", "cpu",
                "--max-runs", PythonTorch.MAX_RUNS)
                .directory(PythonTorch.REPO.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(600, TimeUnit.SECONDS), "check_space.py did not finish");
        assertEquals(0, p.exitValue(), "check_space.py on " + pack + " failed:\n" + out);
    }
}
