package io.tttdiscover.evaluator.service;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Shares this evaluator's worker slots fairly between runs. Candidates are read ahead of the workers (up to the
 * evaluation pool's width); each waits here for a slot, and a freed slot goes to the runs with waiting candidates in
 * turn (round robin over runs, arrival order within a run). So a run with a long queue takes one slot in turn with
 * every other run, however many of its candidates were read first; a run alone gets every slot.
 *
 * <p>A finished run's waiting candidates leave at once ({@link #cancelRun}), without a slot.
 */
public final class FairGate {
    private final int slots;
    private final Map<String, ArrayDeque<Ticket>> waiting = new HashMap<>();
    /** Runs with waiting candidates, in the order they are served next. */
    private final ArrayDeque<String> turn = new ArrayDeque<>();
    private int busy;

    public FairGate(int slots) {
        if (slots < 1) {
            throw new IllegalArgumentException("a gate needs at least one slot, got " + slots);
        }
        this.slots = slots;
    }

    public int slots() {
        return slots;
    }

    /**
     * Blocks until the candidate of {@code runId} may use a worker slot, or until its run is cancelled. Close the
     * pass (try-with-resources) to give the slot back.
     */
    public Pass enter(String runId) throws InterruptedException {
        Ticket ticket = new Ticket(runId);
        synchronized (this) {
            waiting.computeIfAbsent(runId, r -> {
                turn.addLast(r);
                return new ArrayDeque<>();
            }).addLast(ticket);
            grant();
            try {
                while (!ticket.granted && !ticket.cancelled) {
                    wait();
                }
            } catch (InterruptedException e) {
                if (ticket.granted) {
                    release();
                } else {
                    withdraw(ticket);
                }
                throw e;
            }
        }
        return new Pass(this, ticket.granted);
    }

    /** Every waiting candidate of the run leaves the queue without a slot ({@link Pass#admitted()} false). */
    public synchronized void cancelRun(String runId) {
        ArrayDeque<Ticket> queue = waiting.remove(runId);
        if (queue == null) {
            return;
        }
        turn.remove(runId);
        queue.forEach(t -> t.cancelled = true);
        notifyAll();
    }

    public synchronized int waiting() {
        return waiting.values().stream().mapToInt(ArrayDeque::size).sum();
    }

    public synchronized int busy() {
        return busy;
    }

    private synchronized void release() {
        busy--;
        grant();
    }

    private void withdraw(Ticket ticket) {
        ArrayDeque<Ticket> queue = waiting.get(ticket.runId);
        if (queue != null && queue.remove(ticket) && queue.isEmpty()) {
            waiting.remove(ticket.runId);
            turn.remove(ticket.runId);
        }
    }

    /** Hands free slots to the runs in turn; the caller holds the lock. */
    private void grant() {
        boolean any = false;
        while (busy < slots && !turn.isEmpty()) {
            String run = turn.pollFirst();
            ArrayDeque<Ticket> queue = waiting.get(run);
            Ticket next = queue.pollFirst();
            if (queue.isEmpty()) {
                waiting.remove(run);
            } else {
                turn.addLast(run);
            }
            next.granted = true;
            busy++;
            any = true;
        }
        if (any) {
            notifyAll();
        }
    }

    private static final class Ticket {
        final String runId;
        boolean granted;
        boolean cancelled;

        Ticket(String runId) {
            this.runId = runId;
        }
    }

    /** A candidate's way through the gate: admitted to a slot, or turned away because its run was cancelled. */
    public static final class Pass implements AutoCloseable {
        private final FairGate gate;
        private final boolean admitted;
        private boolean closed;

        private Pass(FairGate gate, boolean admitted) {
            this.gate = gate;
            this.admitted = admitted;
        }

        public boolean admitted() {
            return admitted;
        }

        @Override
        public void close() {
            if (admitted && !closed) {
                closed = true;
                gate.release();
            }
        }
    }
}
