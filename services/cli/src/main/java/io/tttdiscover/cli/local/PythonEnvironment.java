package io.tttdiscover.cli.local;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The evaluator's harness needs a Python with torch: {@code /usr/bin/python3}, or the one {@code DISCOVER_PYTHON} names
 * (a GPU image's venv, say). This checks it, installs Debian's packages when it can (root with apt-get, the default
 * Python only), and tells the device to evaluate on ("cuda" when torch sees a GPU, else "cpu").
 */
public final class PythonEnvironment {
    public static final String DEFAULT_PYTHON = "/usr/bin/python3";
    public static final String PYTHON = pythonFrom(System.getenv("DISCOVER_PYTHON"));

    static String pythonFrom(String configured) {
        return configured == null || configured.isBlank() ? DEFAULT_PYTHON : configured;
    }
    private static final List<String> PACKAGES = List.of("python3-torch", "python3-numpy", "python3-yaml");
    private static final String PROBE = "import torch, numpy, yaml; print('cuda' if torch.cuda.is_available() else 'cpu')";

    private PythonEnvironment() {
    }

    /** "cuda" or "cpu" when torch imports, empty when it does not. */
    public static Optional<String> probe() {
        if (!Files.isExecutable(Path.of(PYTHON))) {
            return Optional.empty();
        }
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", PROBE).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return Optional.empty();
            }
            String last = out.substring(out.lastIndexOf('\n') + 1).trim();
            return Optional.of(last.equals("cuda") ? "cuda" : "cpu");
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /**
     * The target device, installing torch first where that is possible; empty after printing the one line that
     * says what to run.
     */
    public static Optional<String> ensure(Path aptLog, PrintStream out) {
        Optional<String> target = probe();
        if (target.isPresent()) {
            return target;
        }
        String install = "apt-get install -y " + String.join(" ", PACKAGES);
        boolean root = "root".equals(System.getProperty("user.name"));
        if (!root || !Files.isExecutable(Path.of("/usr/bin/apt-get")) || !PYTHON.equals(DEFAULT_PYTHON)) {
            out.println("discover: " + PYTHON + " cannot import torch; run: sudo apt-get update && sudo " + install);
            return Optional.empty();
        }
        out.println("installing " + String.join(" ", PACKAGES) + " with apt-get (log: " + aptLog + ")");
        boolean ok = apt(List.of("apt-get", "update", "-q"), aptLog, out)
                && apt(List.of("apt-get", "install", "-y", "-q", "--no-install-recommends", PACKAGES.get(0),
                PACKAGES.get(1), PACKAGES.get(2)), aptLog, out);
        out.println();
        target = ok ? probe() : Optional.empty();
        if (target.isEmpty()) {
            out.println("discover: installing torch failed (see " + aptLog + "); run: " + install);
        }
        return target;
    }

    /** Runs apt-get, keeping its output in the log and one live line on screen. */
    private static boolean apt(List<String> cmd, Path log, PrintStream out) {
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
            Process p = pb.start();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8));
                 PrintWriter w = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8,
                         java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND))) {
                String line;
                while ((line = r.readLine()) != null) {
                    w.println(line);
                    String shown = line.length() > 100 ? line.substring(0, 100) : line;
                    out.print("\r\033[K  " + shown);
                    out.flush();
                }
            }
            return p.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
