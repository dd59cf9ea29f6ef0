package io.tttdiscover.cli.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One process the local run started (broker, database, a service), its output appended to its log file. Stopping
 * asks first (SIGTERM, or SIGINT for PostgreSQL's fast shutdown), then forces, and takes the process's descendants
 * (the evaluator's Python workers) with it, so nothing outlives the run. {@link #restart()} runs the same command
 * again in place (same environment, same log), so whoever holds this object follows the new process.
 */
public final class ChildProcess {
    private static final String SETSID = "/usr/bin/setsid";

    private final String name;
    private final ProcessBuilder builder;
    private final Path log;
    private volatile Process process;
    private volatile long startedAtNanos;
    private boolean stopped;
    private long peakTreeRssKb;

    private ChildProcess(String name, ProcessBuilder builder, Path log) {
        this.name = name;
        this.builder = builder;
        this.log = log;
    }

    public static ChildProcess start(String name, List<String> command, Path workDir, Map<String, String> env,
                                     Path log) {
        ProcessBuilder pb = new ProcessBuilder(ownSession(command))
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        pb.environment().putAll(env);
        try {
            Files.writeString(log, "", StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + log, e);
        }
        ChildProcess child = new ChildProcess(name, pb, log);
        child.launch();
        return child;
    }

    private void launch() {
        try {
            process = builder.start();
            startedAtNanos = System.nanoTime();
            ProcessRegistry.remember(process.toHandle(), name);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + builder.command().get(0), e);
        }
    }

    /**
     * Starts the command again after the process has exited; the log goes on below a marker line. What the dead
     * process left in its session (a worker it started) is killed first, so the new one starts alone.
     */
    public synchronized void restart() {
        if (stopped) {
            throw new IllegalStateException(name + " was stopped");
        }
        if (process.isAlive()) {
            throw new IllegalStateException(name + " is still running (pid " + process.pid() + ")");
        }
        long old = process.pid();
        if (builder.command().get(0).equals(SETSID)) {
            signalGroup(old);
        }
        ProcessRegistry.forget(old);
        try {
            Files.writeString(log, "\n---- " + Instant.now() + " discover restarts " + name + " (the last one, pid "
                    + old + ", exited with code " + process.exitValue() + ") ----\n", StandardOpenOption.APPEND);
        } catch (IOException e) {
            // The marker only helps reading the log.
        }
        launch();
    }

    /** SIGKILL to what is left of a dead session leader's process group (its pid is the group's id). */
    private static void signalGroup(long leader) {
        try {
            new ProcessBuilder("kill", "-KILL", "--", "-" + leader).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            // Nothing left to kill, or no kill(1): the new process starts anyway.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Runs the command in its own session (setsid execs it under the same pid), so a Ctrl-C in the terminal reaches
     * only the CLI, which then stops the children in order: services before the broker and the database.
     */
    private static List<String> ownSession(List<String> command) {
        if (!Files.isExecutable(Path.of(SETSID))) {
            return command;
        }
        List<String> out = new java.util.ArrayList<>(command.size() + 1);
        out.add(SETSID);
        out.addAll(command);
        return out;
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public Path log() {
        return log;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The exit code of the current process; only once it has exited. */
    public int exitCode() {
        return process.exitValue();
    }

    /** How long the current process has been running (or ran, until now). */
    public Duration uptime() {
        return Duration.ofNanos(System.nanoTime() - startedAtNanos);
    }

    /** Fails with the tail of the log if the process has died. */
    public void requireAlive() {
        if (!process.isAlive()) {
            throw new IllegalStateException(name + " exited with code " + process.exitValue() + "; last lines of "
                    + log + ":\n" + tail(20));
        }
    }

    /** Waits for the process to exit; its exit code, or -1 if it is still running after {@code timeout}. */
    public int waitFor(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** SIGTERM, up to {@code grace}, then SIGKILL; the same for descendants left behind. */
    public void stop(Duration grace) {
        stop(grace, false);
    }

    /** SIGINT (PostgreSQL's fast shutdown), then as {@link #stop(Duration)}. */
    public void interrupt(Duration grace) {
        stop(grace, true);
    }

    private synchronized void stop(Duration grace, boolean sigint) {
        stopped = true;
        Process process = this.process;
        List<ProcessHandle> descendants = process.descendants().toList();
        if (process.isAlive()) {
            if (sigint) {
                signal("INT");
            } else {
                process.destroy();
            }
            try {
                if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        for (ProcessHandle d : descendants) {
            if (d.isAlive()) {
                d.destroyForcibly();
            }
        }
        ProcessRegistry.forget(process.pid());
    }

    private void signal(String sig) {
        try {
            new ProcessBuilder("kill", "-" + sig, Long.toString(process.pid())).start().waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            process.destroy();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Resident memory now of this process alone, in kB (0 when gone). */
    public long rssKb() {
        return ProcStatus.read(process.pid(), "VmRSS");
    }

    /** The kernel's peak resident memory of this process alone, in kB. */
    public long peakRssKb() {
        return ProcStatus.read(process.pid(), "VmHWM");
    }

    /** Resident memory of the descendants (e.g. the evaluator's Python workers), in kB. */
    public long descendantsRssKb() {
        return process.descendants().mapToLong(d -> ProcStatus.read(d.pid(), "VmRSS")).sum();
    }

    /** Samples process + descendants and remembers the highest total seen. */
    public void sampleTreeRss() {
        peakTreeRssKb = Math.max(peakTreeRssKb, rssKb() + descendantsRssKb());
    }

    public long peakTreeRssKb() {
        return peakTreeRssKb;
    }

    /**
     * The last line of the log that reports a problem (an ERROR or FATAL log line, an exception), trimmed: what a
     * one-line failure message can quote; empty when there is none.
     */
    public String lastProblem() {
        try {
            List<String> all = Files.readAllLines(log);
            for (int i = all.size() - 1; i >= 0; i--) {
                String line = all.get(i).strip();
                if (!line.startsWith("at ") && line.matches(".*(ERROR|FATAL|PANIC|Exception|Error:).*")) {
                    return line.length() > 240 ? line.substring(0, 240) + "..." : line;
                }
            }
        } catch (IOException | RuntimeException e) {
            return "";
        }
        return "";
    }

    public String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ")";
        }
    }

    /** Reads fields of {@code /proc/<pid>/status}. */
    static final class ProcStatus {
        private ProcStatus() {
        }

        static long read(long pid, String field) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                    if (line.startsWith(field + ":")) {
                        return Long.parseLong(line.substring(field.length() + 1).replace("kB", "").trim());
                    }
                }
            } catch (IOException | RuntimeException e) {
                return 0;
            }
            return 0;
        }
    }
}
