package io.tttdiscover.trainer.service;

import io.tttdiscover.protocol.event.RewardEvent;
import io.tttdiscover.trainer.domain.RunStatus;
import io.tttdiscover.trainer.messaging.EventPublisher;
import io.tttdiscover.trainer.messaging.RecordedRewards;
import org.jboss.logging.Logger;

import java.util.function.Supplier;

/**
 * A replay run's thread: like a {@link RunLoop}, everything it does runs in order on its own single thread, so its
 * state needs no locks; the Kafka consumer thread only hands rewards over. A replay does not resume after a trainer
 * restart (RunService marks it FAILED): it is cheap to start again.
 */
abstract class ReplayLoop {
    private static final Logger LOG = Logger.getLogger(ReplayLoop.class);

    protected final String runId;
    protected final RunConfig config;
    protected final Replay replay;
    protected final RunStore store;
    protected final EventPublisher publisher;
    protected final RecordedRewards recorded;
    private final Runnable onFinished;
    private final RunThread thread;
    private volatile boolean stopRequested;
    private boolean finished;

    ReplayLoop(String runId, RunConfig config, Replay replay, RunStore store, EventPublisher publisher,
               RecordedRewards recorded, Runnable onFinished) {
        this.runId = runId;
        this.config = config;
        this.replay = replay;
        this.store = store;
        this.publisher = publisher;
        this.recorded = recorded;
        this.onFinished = onFinished;
        this.thread = new RunThread(runId, "replay-" + runId);
    }

    /** Reads the recorded run and does the replay's work. */
    protected abstract void begin();

    /** A reward of this run (a first delivery, stored). */
    protected abstract void accept(RewardEvent reward);

    /** What the run has to say when it is stopped; it then ends STOPPED. */
    protected void onStop() {
    }

    /** Frees what the run holds (a training session), whichever way it ends. */
    protected void release() {
    }

    void start() {
        submit(this::begin);
    }

    void offer(RewardEvent reward) {
        submit(() -> accept(reward));
    }

    /** Stops the run: at once if its thread is idle, else between two steps or candidates. */
    void stop(String message) {
        stopRequested = true;
        submit(() -> {
            onStop();
            finish(RunStatus.STOPPED, message);
        });
    }

    /** Drops the run's thread at shutdown without touching the database. */
    void abandon() {
        stopRequested = true;
        thread.shutdownNow();
    }

    /** True once a stop was asked for: long work checks it between its pieces. */
    protected boolean stopRequested() {
        return stopRequested;
    }

    protected void submit(Runnable task) {
        thread.submit(task, () -> finished, e -> finish(RunStatus.FAILED, RunThread.failure(e)));
    }

    protected <T> T db(String what, Supplier<T> work) {
        return thread.db(what, work);
    }

    protected void db(String what, Runnable work) {
        thread.db(what, work);
    }


    protected void finish(RunStatus status, String message) {
        if (finished) {
            return;
        }
        finished = true;
        try {
            db("run end", () -> store.finish(runId, status, message));
        } finally {
            release();
            thread.shutdown();
            onFinished.run();
        }
        LOG.infof("replay run %s %s: %s", runId, status, message);
        RunLoop.publishFinished(publisher, runId, Math.max(0, config.steps() - 1), status, config.problemId());
    }
}
