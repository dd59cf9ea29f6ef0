package io.tttdiscover.evaluator.harness;

import org.jboss.logging.Logger;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.IntFunction;

/**
 * A fixed number of slots, each holding one warm harness worker process. A request takes a free slot, is answered by
 * its worker, and gives the slot back. A worker that hangs past the outer timeout, dies, or breaks the protocol is
 * killed with its process tree; the slot is restarted in the background and only then taken again, so the next
 * request finds a warm worker and no request is lost to a broken one.
 */
public final class WorkerPool implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(WorkerPool.class);

    private final List<String> command;
    private final Path workingDir;
    private final IntFunction<Map<String, String>> envForSlot;
    private final Duration startupTimeout;
    private final BlockingQueue<Slot> free = new LinkedBlockingQueue<>();
    private final List<Slot> slots = new ArrayList<>();
    private volatile boolean closed;

    private static final class Slot {
        final int index;
        volatile HarnessWorker worker;
        String lastStartFailure;

        Slot(int index) {
            this.index = index;
        }
    }

    /**
     * Starts {@code size} workers in the background; requests wait for the first one ready.
     *
     * @param envForSlot extra environment of a slot's process (e.g. which GPU it sees)
     */
    public WorkerPool(List<String> command, Path workingDir, int size, IntFunction<Map<String, String>> envForSlot,
                      Duration startupTimeout) {
        if (size < 1) {
            throw new IllegalArgumentException("a worker pool needs at least one slot");
        }
        this.command = List.copyOf(command);
        this.workingDir = workingDir;
        this.envForSlot = envForSlot;
        this.startupTimeout = startupTimeout;
        for (int i = 0; i < size; i++) {
            Slot slot = new Slot(i);
            slots.add(slot);
            restartInBackground(slot);
        }
    }

    public int size() {
        return slots.size();
    }

    /**
     * Evaluates one program on the next free worker. Never throws for a worker's failure: the reply says what
     * happened.
     *
     * @param outerTimeout how long to wait for the answer before the worker is declared hung
     */
    public WorkerReply evaluate(WorkerRequest request, Duration outerTimeout) throws InterruptedException {
        Slot slot = free.take();
        boolean healthy = false;
        try {
            if (slot.worker == null || !slot.worker.alive()) {
                // The background start failed (or the process exited while idle): one more try, in line.
                start(slot);
                if (slot.worker == null) {
                    long now = System.currentTimeMillis();
                    return new WorkerReply(WorkerReply.Outcome.START_FAILED, null, "no harness worker could be "
                            + "started: " + slot.lastStartFailure, null, slot.index, now, now);
                }
            }
            WorkerReply reply = slot.worker.request(request, outerTimeout);
            healthy = reply.outcome() == WorkerReply.Outcome.ANSWERED;
            if (!healthy) {
                LOG.warnf("harness worker slot %d: %s on %s (%s); restarting it", slot.index, reply.outcome(),
                        request.id(), reply.detail());
            }
            return reply;
        } finally {
            if (healthy || slot.worker == null) {
                free.add(slot);
            } else {
                slot.worker.kill();
                slot.worker = null;
                restartInBackground(slot);
            }
        }
    }

    /** The ready line of any started worker (device and hardware), or null while none is up. */
    public WorkerReady anyReady() {
        for (Slot s : slots) {
            HarnessWorker w = s.worker;
            if (w != null) {
                return w.ready();
            }
        }
        return null;
    }

    @Override
    public void close() {
        closed = true;
        for (Slot s : slots) {
            HarnessWorker w = s.worker;
            if (w != null) {
                w.kill();
            }
        }
    }

    private void restartInBackground(Slot slot) {
        Thread t = new Thread(() -> {
            start(slot);
            free.add(slot);
        }, "harness-start-" + slot.index);
        t.setDaemon(true);
        t.start();
    }

    private void start(Slot slot) {
        if (closed) {
            return;
        }
        try {
            HarnessWorker worker = HarnessWorker.start(slot.index, command, workingDir, envForSlot.apply(slot.index),
                    startupTimeout);
            slot.lastStartFailure = null;
            if (closed) {
                worker.kill();
                return;
            }
            slot.worker = worker;
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            slot.worker = null;
            slot.lastStartFailure = e.getMessage();
            LOG.errorf("harness worker slot %d failed to start: %s", slot.index, e.getMessage());
        }
    }
}
