package io.tttdiscover.evaluator;

import io.tttdiscover.protocol.pack.ProblemPacks;
import org.junit.jupiter.api.Assumptions;

import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The real pack harness needs /usr/bin/python3 with torch; tests that run it skip, saying why, where it is not. */
public final class PythonTorch {
    public static final String PYTHON = "/usr/bin/python3";
    /** The repository root, seen from this module's directory. */
    public static final Path REPO = Path.of("../..").toAbsolutePath().normalize();
    /**
     * Timed calls per benchmark for the harness suites ({@code --max-runs}): every timed call still gets fresh inputs
     * and is checked, so what the suites guard (each check fires, each alternative is correct across calls) holds
     * with two as with ten, in half the time. The pack's own timing loop runs in full in the service's
     * tests (CandidateListenerTest, RealBrokerTest).
     */
    public static final String MAX_RUNS = "2";
    private static Boolean available;

    private PythonTorch() {
    }

    public static synchronized void assumeAvailable() {
        if (available == null) {
            available = canImportTorch();
        }
        Assumptions.assumeTrue(available, PYTHON + " cannot import torch: the real pack harness cannot run here");
        Assumptions.assumeTrue(REPO.resolve("problems/_harness/worker.py").toFile().isFile(),
                "problems/_harness/worker.py is missing under " + REPO);
    }

    /** The ids of the problem packs in the repository. */
    public static List<String> packs() {
        return new ProblemPacks(REPO.resolve("problems")).ids();
    }

    private static boolean canImportTorch() {
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", "import torch").redirectErrorStream(true).start();
            p.getInputStream().transferTo(OutputStream.nullOutputStream());
            return p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }
}
