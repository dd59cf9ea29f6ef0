package io.tttdiscover.evaluator.harness;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pool against a real Python process speaking the worker protocol, misbehaving on demand. */
class WorkerPoolTest {
    private static final Path SCRIPT = Path.of("src/test/resources/harness/protocol_worker.py").toAbsolutePath();
    private static final Duration OUTER = Duration.ofSeconds(2);
    private WorkerPool pool;

    @AfterEach
    void close() {
        if (pool != null) {
            pool.close();
        }
    }

    @Test
    void answersARequestWithTheWorkersResult() throws Exception {
        pool = pool(1, Map.of());
        WorkerReply reply = pool.evaluate(request("c-1", "print(1)", 7.5), OUTER);
        assertEquals(WorkerReply.Outcome.ANSWERED, reply.outcome());
        assertEquals("c-1", reply.result().id());
        assertEquals("OK", reply.result().status());
        assertEquals(108.0, reply.result().scoreUs());
        assertEquals(2, reply.result().tests().passed());
        assertEquals(99.0, reply.result().benchmarks().get(0).bestUs());
        assertEquals(1.0, reply.result().timingsMs().staticMs());
        assertEquals(4.0, reply.result().timingsMs().benchmark());
        assertEquals("cpu", reply.ready().device());
        assertTrue(reply.finishedAtMs() >= reply.startedAtMs());
    }

    @Test
    void aHungWorkerTimesOutAndIsReplaced() throws Exception {
        pool = pool(1, Map.of());
        long firstPid = pool.evaluate(request("warm", "x", 1), OUTER).ready().pid();
        long t0 = System.nanoTime();
        WorkerReply hung = pool.evaluate(request("c-hang", "HANG", 1), OUTER);
        assertEquals(WorkerReply.Outcome.TIMEOUT, hung.outcome());
        assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(15).toNanos(), "the outer timeout bounds the wait");
        assertProcessGone(firstPid);
        WorkerReply next = pool.evaluate(request("c-next", "x", 1), OUTER);
        assertEquals(WorkerReply.Outcome.ANSWERED, next.outcome(), "the next candidate is served by a new worker");
        assertNotEquals(firstPid, next.ready().pid());
    }

    @Test
    void aDeadWorkerIsReportedWithItsExitAndReplaced() throws Exception {
        pool = pool(1, Map.of());
        WorkerReply died = pool.evaluate(request("c-crash", "CRASH", 1), OUTER);
        assertEquals(WorkerReply.Outcome.DIED, died.outcome());
        assertTrue(died.detail().contains("exit code 3"), died.detail());
        assertTrue(died.detail().contains("segfault, pretend"), died.detail());
        assertEquals(WorkerReply.Outcome.ANSWERED, pool.evaluate(request("c-after", "x", 1), OUTER).outcome());
    }

    @Test
    void aGarbageLineIsAProtocolErrorAndTheWorkerIsReplaced() throws Exception {
        pool = pool(1, Map.of());
        long firstPid = pool.evaluate(request("warm", "x", 1), OUTER).ready().pid();
        WorkerReply garbage = pool.evaluate(request("c-garbage", "GARBAGE", 1), OUTER);
        assertEquals(WorkerReply.Outcome.PROTOCOL_ERROR, garbage.outcome());
        assertTrue(garbage.detail().contains("this is not json"), garbage.detail());
        WorkerReply next = pool.evaluate(request("c-next", "x", 1), OUTER);
        assertEquals(WorkerReply.Outcome.ANSWERED, next.outcome());
        assertEquals("c-next", next.result().id(), "no stale line is taken for the next answer");
        assertNotEquals(firstPid, next.ready().pid());
    }

    @Test
    void aWorkerThatNeverGetsReadyFailsToStart() throws Exception {
        pool = new WorkerPool(List.of("/usr/bin/python3", "-c", "import time; time.sleep(60)"), Path.of("."), 1,
                slot -> Map.of(), Duration.ofSeconds(1));
        WorkerReply reply = pool.evaluate(request("c-1", "x", 1), OUTER);
        assertEquals(WorkerReply.Outcome.START_FAILED, reply.outcome());
        assertTrue(reply.detail().contains("no ready line"), reply.detail());
    }

    @Test
    void slotsServeRequestsConcurrently() throws Exception {
        pool = pool(2, Map.of());
        ExecutorService callers = Executors.newFixedThreadPool(2);
        try {
            pool.evaluate(request("warm-a", "x", 1), OUTER);
            Future<WorkerReply> hang = callers.submit(() -> pool.evaluate(request("c-hang", "HANG", 1), OUTER));
            Thread.sleep(200);
            long t0 = System.nanoTime();
            WorkerReply other = callers.submit(() -> pool.evaluate(request("c-ok", "x", 1), OUTER)).get();
            assertEquals(WorkerReply.Outcome.ANSWERED, other.outcome());
            assertTrue(System.nanoTime() - t0 < Duration.ofMillis(1500).toNanos(), "not queued behind the hang");
            assertEquals(WorkerReply.Outcome.TIMEOUT, hang.get().outcome());
        } finally {
            callers.shutdownNow();
        }
    }

    private static WorkerRequest request(String id, String code, double timeoutS) {
        return new WorkerRequest(id, code, timeoutS, null);
    }

    private static WorkerPool pool(int size, Map<String, String> env) throws InterruptedException {
        return new WorkerPool(List.of("/usr/bin/python3", SCRIPT.toString()), SCRIPT.getParent(), size,
                slot -> env, Duration.ofSeconds(30));
    }

    private static void assertProcessGone(long pid) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 5_000;
        while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            assertTrue(System.currentTimeMillis() < deadline, "worker " + pid + " still alive");
            Thread.sleep(20);
        }
    }
}
