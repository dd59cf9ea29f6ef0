package io.tttdiscover.trainer.service;

import io.tttdiscover.trainer.messaging.DatabaseRetry;
import org.jboss.logging.Logger;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The single thread a run (live or replay) does everything on, in order, so its state needs no locks; its database
 * calls, which wait out an outage (the thread pauses, rewards queue) instead of failing the run; and its wait for the
 * broker's ack of what it publishes.
 */
final class RunThread {
    private static final Logger LOG = Logger.getLogger(RunThread.class);
    private static final long PUBLISH_TIMEOUT_SECONDS = 60;

    private final String runId;
    private final ExecutorService thread;
    private final DatabaseRetry retry = DatabaseRetry.standard();

    RunThread(String runId, String threadName) {
        this.runId = runId;
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Runs {@code task} after what was submitted before, unless the run has finished by then. A task that throws
     * (an OutOfMemoryError too: the run must end FAILED, not stay RUNNING with a dead loop) is handed to
     * {@code onFailure}. After the run has ended, a late reward or timer has nothing left to do.
     */
    void submit(Runnable task, BooleanSupplier finished, Consumer<Throwable> onFailure) {
        try {
            thread.execute(() -> {
                if (finished.getAsBoolean()) {
                    return;
                }
                try {
                    task.run();
                } catch (RuntimeException | OutOfMemoryError e) {
                    LOG.errorf(e, "run %s failed", runId);
                    onFailure.accept(e);
                }
            });
        } catch (RejectedExecutionException e) {
            // the run has ended
        }
    }

    <T> T db(String what, Supplier<T> work) {
        return retry.call("run " + runId + ": " + what, work);
    }

    void db(String what, Runnable work) {
        db(what, () -> {
            work.run();
            return null;
        });
    }

    /** No new tasks; the one running finishes. */
    void shutdown() {
        thread.shutdown();
    }

    /** Drops the thread at shutdown without touching the database. */
    void shutdownNow() {
        thread.shutdownNow();
    }

    /** Waits for the broker's ack of something published. */
    static void await(CompletionStage<Void> sent, String what) {
        try {
            sent.toCompletableFuture().get(PUBLISH_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing " + what, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not publish " + what + ": " + e.getMessage(), e);
        }
    }

    static String failure(Throwable e) {
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
