package io.tttdiscover.trainer.messaging;

import org.jboss.logging.Logger;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A database outage delays a reward, it never drops it: work that fails because the database cannot be reached is
 * retried with a bounded backoff (the consumer's thread waits, so consumption pauses), while any other failure
 * (a malformed or refused reward) is thrown at once, to the dead-letter topic.
 */
public final class DatabaseRetry {
    private static final Logger LOG = Logger.getLogger(DatabaseRetry.class);
    /** Calls of this process waiting for the database right now. */
    private static final AtomicInteger WAITING = new AtomicInteger();

    private final long firstBackoffMs;
    private final long maxBackoffMs;
    private final Sleeper sleeper;

    interface Sleeper {
        void sleep(long ms) throws InterruptedException;
    }

    DatabaseRetry(long firstBackoffMs, long maxBackoffMs, Sleeper sleeper) {
        this.firstBackoffMs = firstBackoffMs;
        this.maxBackoffMs = maxBackoffMs;
        this.sleeper = sleeper;
    }

    public static DatabaseRetry standard() {
        return new DatabaseRetry(250, 10_000, Thread::sleep);
    }

    public <T> T call(String what, Supplier<T> work) {
        long backoff = firstBackoffMs;
        boolean waiting = false;
        try {
            for (int attempt = 1; ; attempt++) {
                try {
                    return work.get();
                } catch (RuntimeException e) {
                    if (!unreachable(e)) {
                        throw e;
                    }
                    if (!waiting) {
                        waiting = true;
                        WAITING.incrementAndGet();
                    }
                    LOG.warnf("%s: the database cannot be reached (attempt %d: %s); retrying in %d ms", what, attempt,
                            rootMessage(e), backoff);
                    try {
                        sleeper.sleep(backoff);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        throw e;
                    }
                    backoff = Math.min(maxBackoffMs, backoff * 2);
                }
            }
        } finally {
            if (waiting) {
                WAITING.decrementAndGet();
            }
        }
    }

    /**
     * True while some work of this process waits for the database: rewards are then held back by the outage, not
     * missing, so a step's deadline waits too.
     */
    public static boolean databaseAway() {
        return WAITING.get() > 0;
    }

    /**
     * True when the failure says the database is away rather than that the data is wrong: a connection-class
     * SQLState (08: connection exception, 57P: operator intervention such as a shutdown, 53: insufficient
     * resources), a transient or recoverable SQL exception, or the pool's acquisition timeout, anywhere in the chain
     * of causes and suppressed exceptions (a commit that loses its connection surfaces as the transaction manager's
     * RollbackException, with the driver's I/O error only on a suppressed XAException).
     */
    static boolean unreachable(Throwable e) {
        Deque<Throwable> todo = new ArrayDeque<>();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        todo.add(e);
        while (!todo.isEmpty()) {
            Throwable t = todo.poll();
            if (!seen.add(t)) {
                continue;
            }
            if (says(t)) {
                return true;
            }
            if (t.getCause() != null) {
                todo.add(t.getCause());
            }
            todo.addAll(Arrays.asList(t.getSuppressed()));
        }
        return false;
    }

    /** Whether this one throwable, not its causes, says the database is away. */
    private static boolean says(Throwable t) {
        if (t instanceof SQLTransientException || t instanceof SQLRecoverableException) {
            return true;
        }
        if (t instanceof SQLException sql) {
            String state = sql.getSQLState();
            if (state != null && (state.startsWith("08") || state.startsWith("57P") || state.startsWith("53"))) {
                return true;
            }
            if (String.valueOf(sql.getMessage()).contains("Acquisition timeout")) {
                return true;
            }
        }
        return t.getClass().getSimpleName().equals("JDBCConnectionException");
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }
}
