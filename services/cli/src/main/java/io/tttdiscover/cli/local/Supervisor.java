package io.tttdiscover.cli.local;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Keeps the local run's processes running as Kubernetes keeps a pod's containers (restart policy Always): a
 * process that exits is started again with the same command, port and environment, after a short back-off that
 * doubles with each restart, and a line says so. Each process has its own restart budget (none for the broker and
 * the database, whose clients cannot ride out their absence); once it is spent, {@link #requireRunning()} fails
 * with one line that says which process gave up and where its log is.
 */
public final class Supervisor implements AutoCloseable {
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration LONGEST_BACKOFF = Duration.ofSeconds(30);

    private final Duration firstBackoff;
    private final Consumer<String> say;
    private final List<Watched> watched = new CopyOnWriteArrayList<>();
    private final Thread loop;
    private volatile String failure;
    private volatile boolean closed;

    /**
     * @param firstBackoff wait before the first restart of a process; each further restart of it waits twice as long
     *                     (at most 30 s)
     * @param say          where the restart lines go
     */
    public Supervisor(Duration firstBackoff, Consumer<String> say) {
        this.firstBackoff = firstBackoff;
        this.say = say;
        this.loop = new Thread(this::run, "discover-supervisor");
        loop.setDaemon(true);
        loop.start();
    }

    /** Watches {@code process} from now on, restarting it up to {@code maxRestarts} times in all. */
    public void supervise(ChildProcess process, int maxRestarts) {
        if (maxRestarts < 0) {
            throw new IllegalArgumentException("maxRestarts must be >= 0, not " + maxRestarts);
        }
        watched.add(new Watched(process, maxRestarts));
    }

    /** How often {@code name} has been restarted so far. */
    public int restarts(String name) {
        return watched.stream().filter(w -> w.process.name().equals(name)).mapToInt(w -> w.restarts).sum();
    }

    /** Fails (one line) once a process has exited with no restart left; returns at once otherwise. */
    public void requireRunning() {
        String f = failure;
        if (f != null) {
            throw new IllegalStateException(f);
        }
    }

    /** Stops watching (before the processes are stopped on purpose); restarts nothing after it returns. */
    @Override
    public void close() {
        closed = true;
        loop.interrupt();
        try {
            loop.join(Duration.ofSeconds(30).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        while (!closed) {
            long now = System.nanoTime();
            for (Watched w : watched) {
                if (closed) {
                    return;
                }
                check(w, now);
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void check(Watched w, long now) {
        ChildProcess p = w.process;
        if (w.gaveUp || p.isAlive()) {
            return;
        }
        if (!w.restartPending) {
            String exit = String.format(Locale.ROOT, "%s exited (code %d) after %d s", p.name(), p.exitCode(),
                    p.uptime().toSeconds());
            if (w.restarts >= w.maxRestarts) {
                w.gaveUp = true;
                failure = exit + (w.maxRestarts == 0 ? "; it is not restarted" : "; no restart left ("
                        + w.maxRestarts + " used, see --max-restarts)") + "; see " + p.log();
                return;
            }
            Duration backoff = backoff(w.restarts);
            w.restartPending = true;
            w.restartAtNanos = now + backoff.toNanos();
            say.accept(String.format(Locale.ROOT, "%s; restarting (%d of %d)%s", exit, w.restarts + 1,
                    w.maxRestarts, backoff.isZero() ? "" : " in " + seconds(backoff)));
            return;
        }
        if (now - w.restartAtNanos < 0) {
            return;
        }
        w.restartPending = false;
        w.restarts++;
        try {
            p.restart();
        } catch (RuntimeException e) {
            w.gaveUp = true;
            failure = "cannot restart " + p.name() + ": " + e.getMessage();
        }
    }

    private Duration backoff(int restartsSoFar) {
        Duration d = firstBackoff.multipliedBy(1L << Math.min(restartsSoFar, 16));
        return d.compareTo(LONGEST_BACKOFF) > 0 ? LONGEST_BACKOFF : d;
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : String.format(Locale.ROOT, "%.1f s",
                d.toMillis() / 1000.0);
    }

    /** One process and its restarts; touched by the supervisor's thread only, read by {@link #restarts}. */
    private static final class Watched {
        final ChildProcess process;
        final int maxRestarts;
        volatile int restarts;
        boolean restartPending;
        long restartAtNanos;
        boolean gaveUp;

        Watched(ChildProcess process, int maxRestarts) {
            this.process = process;
            this.maxRestarts = maxRestarts;
        }
    }
}
