package io.tttdiscover.evaluator.harness;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.jboss.logging.Logger;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One warm harness process speaking JSON lines: a ready line first, then one result line per request line. Used by
 * one thread at a time (the pool hands a slot to one caller); a reader thread per stream keeps the pipes drained.
 */
final class HarnessWorker {
    private static final Logger LOG = Logger.getLogger(HarnessWorker.class);
    static final ObjectMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();
    private static final String EOF = "\u0000eof";
    private static final int STDERR_LINES = 20;

    private final int slot;
    private final Process process;
    private final Writer stdin;
    private final BlockingQueue<String> stdout = new LinkedBlockingQueue<>();
    private final Deque<String> stderrTail = new ArrayDeque<>();
    private final Thread stderrPump;
    private WorkerReady ready;

    private HarnessWorker(int slot, Process process) {
        this.slot = slot;
        this.process = process;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        daemon("harness-" + slot + "-stdout", () -> pump(process.getInputStream(), stdout::add, true)).start();
        stderrPump = daemon("harness-" + slot + "-stderr", () -> pump(process.getErrorStream(), this::keepStderr, false));
        stderrPump.start();
    }

    /** Starts the process and waits for its ready line. */
    static HarnessWorker start(int slot, List<String> command, Path workingDir, Map<String, String> env,
                               Duration startupTimeout) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(workingDir.toFile());
        pb.environment().putAll(env);
        HarnessWorker worker = new HarnessWorker(slot, pb.start());
        try {
            worker.ready = worker.awaitReady(startupTimeout);
        } catch (IOException | RuntimeException | InterruptedException e) {
            worker.kill();
            throw e;
        }
        LOG.infof("harness worker slot %d ready: pid %d, device %s", slot, worker.process.pid(), worker.ready.device());
        return worker;
    }

    WorkerReady ready() {
        return ready;
    }

    boolean alive() {
        return process.isAlive();
    }

    /** Sends one request and waits up to {@code timeout} for its result line. */
    WorkerReply request(WorkerRequest request, Duration timeout) throws InterruptedException {
        long started = System.currentTimeMillis();
        String id = request.id();
        try {
            stdin.write(request.line());
            stdin.write('\n');
            stdin.flush();
        } catch (IOException e) {
            return reply(WorkerReply.Outcome.DIED, null, "cannot write to the worker: " + e.getMessage()
                    + exitAndStderr(), started);
        }
        String line = stdout.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (line == null) {
            return reply(WorkerReply.Outcome.TIMEOUT, null, "no answer from the harness worker within "
                    + timeout.toSeconds() + " s", started);
        }
        if (line.equals(EOF)) {
            return reply(WorkerReply.Outcome.DIED, null, "the harness worker exited" + exitAndStderr(), started);
        }
        Optional<HarnessResult> result = parse(line, HarnessResult.class);
        if (result.isEmpty() || result.get().status() == null || !id.equals(result.get().id())) {
            return reply(WorkerReply.Outcome.PROTOCOL_ERROR, null, "the harness worker wrote a line that is not the "
                    + "result of " + id + ": " + abbreviate(line), started);
        }
        return reply(WorkerReply.Outcome.ANSWERED, result.get(), null, started);
    }

    /** Kills the worker and everything it started (the candidate processes it forked). */
    void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                LOG.warnf("harness worker slot %d (pid %d) did not die within 10 s", slot, process.pid());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private WorkerReady awaitReady(Duration timeout) throws IOException, InterruptedException {
        String line = stdout.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (line == null) {
            throw new IOException("no ready line within " + timeout.toSeconds() + " s" + exitAndStderr());
        }
        if (line.equals(EOF)) {
            throw new IOException("the harness worker exited before it was ready" + exitAndStderr());
        }
        Optional<WorkerReady> parsed = parse(line, WorkerReady.class);
        if (parsed.isEmpty() || !parsed.get().ready()) {
            throw new IOException("expected a ready line, got: " + abbreviate(line));
        }
        return parsed.get();
    }

    private WorkerReply reply(WorkerReply.Outcome outcome, HarnessResult result, String detail, long started) {
        return new WorkerReply(outcome, result, detail, ready, slot, started, System.currentTimeMillis());
    }

    private String exitAndStderr() {
        StringBuilder sb = new StringBuilder();
        try {
            if (process.waitFor(2, TimeUnit.SECONDS)) {
                sb.append(" (exit code ").append(process.exitValue()).append(')');
                // Its last words may still be in the pipe.
                stderrPump.join(1000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        String tail = stderrTail();
        if (!tail.isEmpty()) {
            sb.append("; stderr: ").append(tail);
        }
        return sb.toString();
    }

    private String stderrTail() {
        synchronized (stderrTail) {
            return abbreviate(String.join(" | ", stderrTail));
        }
    }

    private void keepStderr(String line) {
        LOG.debugf("harness %d: %s", slot, line);
        synchronized (stderrTail) {
            stderrTail.addLast(line);
            if (stderrTail.size() > STDERR_LINES) {
                stderrTail.removeFirst();
            }
        }
    }

    static String encode(Object message) {
        try {
            return JSON.writeValueAsString(message);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + message.getClass().getSimpleName(), e);
        }
    }

    private static <T> Optional<T> parse(String line, Class<T> type) {
        try {
            return Optional.ofNullable(JSON.readValue(line, type));
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 500 ? s : s.substring(0, 497) + "...";
    }

    private static void pump(InputStream in, Consumer<String> sink, boolean markEnd) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (!line.isBlank()) {
                    sink.accept(line);
                }
            }
        } catch (IOException e) {
            // The process is gone; the end marker tells a waiting request.
        }
        if (markEnd) {
            sink.accept(EOF);
        }
    }

    private static Thread daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        return t;
    }
}
