package io.tttdiscover.evaluator.service;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FairGateTest {
    private final List<String> admitted = Collections.synchronizedList(new ArrayList<>());
    private final List<String> turnedAway = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, CountDownLatch> done = new ConcurrentHashMap<>();
    private final List<Thread> threads = new ArrayList<>();

    @AfterEach
    void finishThreads() throws InterruptedException {
        done.values().forEach(CountDownLatch::countDown);
        for (Thread t : threads) {
            t.join(5000);
        }
    }

    @Test
    void freedSlotsGoToTheRunsInTurnNotInArrivalOrder() throws Exception {
        FairGate gate = new FairGate(1);
        arrive(gate, "a", "a1");
        awaitAdmitted(1);
        for (String name : List.of("a2", "a3", "a4")) {
            arrive(gate, "a", name);
        }
        arrive(gate, "b", "b1");
        arrive(gate, "b", "b2");
        arrive(gate, "c", "c1");
        assertEquals(6, gate.waiting());
        for (int i = 1; i <= 6; i++) {
            finish(admitted.get(i - 1));
            awaitAdmitted(i + 1);
        }
        assertEquals(List.of("a1", "a2", "b1", "c1", "a3", "b2", "a4"), admitted);
        finish("a4");
        waitUntil(() -> gate.busy() == 0);
    }

    @Test
    void aRunAloneGetsEverySlot() throws Exception {
        FairGate gate = new FairGate(3);
        for (int i = 0; i < 5; i++) {
            arrive(gate, "a", "a" + i);
        }
        awaitAdmitted(3);
        assertEquals(3, gate.busy());
        assertEquals(2, gate.waiting());
        finish(admitted.get(0));
        awaitAdmitted(4);
    }

    @Test
    void cancellingARunTurnsItsWaitingCandidatesAwayAndKeepsTheOthersQueued() throws Exception {
        FairGate gate = new FairGate(1);
        arrive(gate, "a", "a1");
        awaitAdmitted(1);
        arrive(gate, "stopped", "s1");
        arrive(gate, "stopped", "s2");
        arrive(gate, "b", "b1");
        gate.cancelRun("stopped");
        waitUntil(() -> turnedAway.size() == 2);
        assertEquals(List.of("a1"), admitted, "the cancelled ones took no slot");
        assertEquals(1, gate.waiting());
        finish("a1");
        awaitAdmitted(2);
        assertEquals("b1", admitted.get(1));
    }

    @Test
    void anInterruptedWaiterLeavesTheQueueAndTheSlotStillGoesToTheNext() throws Exception {
        FairGate gate = new FairGate(1);
        arrive(gate, "a", "a1");
        awaitAdmitted(1);
        Thread interrupted = arrive(gate, "b", "b1");
        arrive(gate, "c", "c1");
        interrupted.interrupt();
        waitUntil(() -> gate.waiting() == 1);
        finish("a1");
        awaitAdmitted(2);
        assertEquals("c1", admitted.get(1));
        finish("c1");
        waitUntil(() -> gate.busy() == 0);
    }

    @Test
    void aGateWithoutSlotsIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new FairGate(0));
    }

    /** Starts a candidate of {@code run} and returns once it waits in the gate or holds a slot. */
    private Thread arrive(FairGate gate, String run, String name) throws InterruptedException {
        int before = gate.waiting() + gate.busy();
        done.put(name, new CountDownLatch(1));
        Thread t = new Thread(() -> {
            try (FairGate.Pass pass = gate.enter(run)) {
                if (!pass.admitted()) {
                    turnedAway.add(name);
                    return;
                }
                admitted.add(name);
                done.get(name).await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, name);
        t.start();
        threads.add(t);
        waitUntil(() -> gate.waiting() + gate.busy() > before);
        return t;
    }

    private void finish(String name) {
        done.get(name).countDown();
    }

    private void awaitAdmitted(int n) throws InterruptedException {
        waitUntil(() -> admitted.size() >= n);
        assertEquals(n, admitted.size(), "admitted: " + admitted);
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            assertFalse(System.nanoTime() > deadline, "condition not met within 5 s");
            Thread.sleep(2);
        }
        assertTrue(condition.getAsBoolean());
    }
}
