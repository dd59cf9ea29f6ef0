package io.tttdiscover.cli.local;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The local launcher's supervisor, on real short-lived processes. */
class SupervisorTest {
    @TempDir
    Path dir;
    private final List<String> lines = Collections.synchronizedList(new ArrayList<>());
    private final List<ChildProcess> started = new ArrayList<>();
    private Supervisor supervisor;

    @AfterEach
    void stop() {
        if (supervisor != null) {
            supervisor.close();
        }
        started.forEach(p -> p.stop(Duration.ofSeconds(1)));
    }

    @Test
    void aProcessThatExitsIsStartedAgainWithTheSameCommandAndEnvironmentUntilItsBudgetIsSpent() throws Exception {
        Path starts = dir.resolve("starts");
        ChildProcess p = start("svc", "echo \"$GREETING\" >> " + starts + "; exit 3", Map.of("GREETING", "hello"));
        supervisor = new Supervisor(Duration.ZERO, lines::add);
        supervisor.supervise(p, 2);

        IllegalStateException gaveUp = awaitFailure();
        assertEquals(List.of("svc exited (code 3) after 0 s; restarting (1 of 2)",
                "svc exited (code 3) after 0 s; restarting (2 of 2)"), lines);
        assertEquals(List.of("hello", "hello", "hello"), Files.readAllLines(starts), "first start and two restarts");
        assertEquals(2, supervisor.restarts("svc"));
        assertEquals("svc exited (code 3) after 0 s; no restart left (2 used, see --max-restarts); see "
                + p.log(), gaveUp.getMessage());
        Thread.sleep(600);
        assertEquals(3, Files.readAllLines(starts).size(), "nothing is restarted once the budget is spent");
        assertTrue(Files.readString(p.log()).contains("discover restarts svc"), "the log marks each restart");
    }

    @Test
    void aKilledProcessComesBackInPlaceAndTheRunGoesOn() throws Exception {
        ChildProcess p = start("trainer", "exec sleep 30", Map.of());
        supervisor = new Supervisor(Duration.ofMillis(300), lines::add);
        supervisor.supervise(p, 3);
        long first = p.pid();

        ProcessHandle.of(first).orElseThrow().destroyForcibly();
        await(() -> p.isAlive() && p.pid() != first, "a new trainer process");
        assertEquals(List.of("trainer exited (code 137) after 0 s; restarting (1 of 3) in 0.3 s"), lines);
        assertNotEquals(first, p.pid());
        assertEquals(1, supervisor.restarts("trainer"));
        supervisor.requireRunning();

        long second = p.pid();
        ProcessHandle.of(second).orElseThrow().destroyForcibly();
        await(() -> p.isAlive() && p.pid() != second, "a third trainer process");
        assertTrue(lines.get(1).endsWith("restarting (2 of 3) in 0.6 s"), "the back-off doubles: " + lines);
    }

    @Test
    void withoutARestartBudgetTheFirstExitFailsTheRunInOneLine() {
        ChildProcess p = start("kafka", "exit 1", Map.of());
        supervisor = new Supervisor(Duration.ZERO, lines::add);
        supervisor.supervise(p, 0);

        IllegalStateException e = awaitFailure();
        assertEquals("kafka exited (code 1) after 0 s; it is not restarted; see " + p.log(), e.getMessage());
        assertEquals(List.of(), lines);
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void aClosedSupervisorRestartsNothing() throws Exception {
        ChildProcess p = start("sampler", "exec sleep 30", Map.of());
        supervisor = new Supervisor(Duration.ZERO, lines::add);
        supervisor.supervise(p, 3);
        supervisor.close();

        ProcessHandle h = ProcessHandle.of(p.pid()).orElseThrow();
        h.destroyForcibly();
        h.onExit().join();
        Thread.sleep(600);
        assertFalse(p.isAlive());
        assertEquals(List.of(), lines);
        supervisor.requireRunning();
    }

    private ChildProcess start(String name, String script, Map<String, String> env) {
        ChildProcess p = ChildProcess.start(name, List.of("sh", "-c", script), dir, env, dir.resolve(name + ".log"));
        started.add(p);
        return p;
    }

    private IllegalStateException awaitFailure() {
        await(() -> {
            try {
                supervisor.requireRunning();
                return false;
            } catch (IllegalStateException e) {
                return true;
            }
        }, "the supervisor to give up");
        return assertThrows(IllegalStateException.class, supervisor::requireRunning);
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }
}
