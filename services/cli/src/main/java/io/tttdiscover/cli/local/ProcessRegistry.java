package io.tttdiscover.cli.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The pids a local run started, written to {@code .discover/pids} as they start, so that a run killed without a
 * chance to clean up (SIGKILL, power loss) has its leftovers stopped by the next run instead of orphaned.
 * A process is only stopped if its start time still matches, so a reused pid is never touched.
 */
final class ProcessRegistry {
    private static final Map<Long, String> LIVE = new LinkedHashMap<>();
    private static Path file;

    private ProcessRegistry() {
    }

    /** Stops what an earlier, dead run left behind, then records into {@code pidFile} from now on. */
    static synchronized List<String> open(Path pidFile) {
        List<String> stopped = new ArrayList<>();
        file = pidFile;
        if (Files.exists(pidFile)) {
            try {
                for (String line : Files.readAllLines(pidFile)) {
                    String[] f = line.split(" ", 3);
                    if (f.length < 3) {
                        continue;
                    }
                    Optional<ProcessHandle> h = ProcessHandle.of(Long.parseLong(f[0]));
                    if (h.isPresent() && h.get().info().startInstant().map(Instant::toString).orElse("").equals(f[1])) {
                        h.get().descendants().forEach(ProcessHandle::destroyForcibly);
                        h.get().destroyForcibly();
                        stopped.add(f[2] + " (pid " + f[0] + ")");
                    }
                }
            } catch (IOException | RuntimeException e) {
                // A damaged pid file only means there is nothing we can safely clean up.
            }
        }
        LIVE.clear();
        write();
        return stopped;
    }

    static synchronized void remember(ProcessHandle h, String name) {
        LIVE.put(h.pid(), h.info().startInstant().map(Instant::toString).orElse("?") + " " + name);
        write();
    }

    static synchronized void forget(long pid) {
        LIVE.remove(pid);
        write();
    }

    /**
     * Stops every process this JVM started that is still running (SIGTERM, then SIGKILL after {@code graceMs}):
     * the backstop for components interrupted half-way through their startup.
     */
    static void stopAll(long graceMs) {
        List<ProcessHandle> live;
        synchronized (ProcessRegistry.class) {
            live = LIVE.keySet().stream().map(ProcessHandle::of).flatMap(Optional::stream).toList();
        }
        for (ProcessHandle h : live) {
            h.descendants().forEach(ProcessHandle::destroy);
            h.destroy();
        }
        long deadline = System.currentTimeMillis() + graceMs;
        for (ProcessHandle h : live) {
            try {
                h.onExit().get(Math.max(1, deadline - System.currentTimeMillis()),
                        java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (Exception stillRunning) {
                h.descendants().forEach(ProcessHandle::destroyForcibly);
                h.destroyForcibly();
            }
            forget(h.pid());
        }
    }

    private static void write() {
        if (file == null) {
            return;
        }
        StringBuilder sb = new StringBuilder();
        LIVE.forEach((pid, rest) -> sb.append(pid).append(' ').append(rest).append('\n'));
        try {
            Files.writeString(file, sb);
        } catch (IOException e) {
            // Best effort: without the file, only a hard-killed run's cleanup is lost.
        }
    }
}
