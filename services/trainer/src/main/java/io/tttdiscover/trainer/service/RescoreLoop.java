package io.tttdiscover.trainer.service;

import io.tttdiscover.protocol.event.CandidateEvent;
import io.tttdiscover.protocol.event.Event;
import io.tttdiscover.protocol.event.EventCodec;
import io.tttdiscover.protocol.event.MaskSemantics;
import io.tttdiscover.protocol.event.RewardEvent;
import io.tttdiscover.protocol.event.RewardStatus;
import io.tttdiscover.trainer.domain.RunStatus;
import io.tttdiscover.trainer.messaging.EventPublisher;
import io.tttdiscover.trainer.messaging.RecordedRewards;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Re-scores a recorded run: every candidate it recorded (CANCELLED ones were never evaluated and are left out) goes to
 * {@code candidate-kernels} again, the same program under this run's id and prompt naming, so the evaluators deployed
 * now score it and RewardCheck accepts their rewards; the sampler is not involved and nothing is trained. The run
 * completes when every candidate has its new reward, or {@code groupDeadlineSeconds} after the last candidate went out
 * or the last reward came in; then it stores its {@link RescoreReport} and its best candidate by new runtime.
 */
final class RescoreLoop extends ReplayLoop {
    private static final Logger LOG = Logger.getLogger(RescoreLoop.class);

    private final MaskSemantics maskSemantics;
    private final ScheduledExecutorService timers;
    /** Every candidate sent, by the id it was sent under, in recorded order. */
    private final Map<String, RescoreReport.Row> rows = new LinkedHashMap<>();
    private int rescored;
    private boolean allSent;
    private ScheduledFuture<?> deadline;

    RescoreLoop(String runId, RunConfig config, Replay replay, MaskSemantics maskSemantics, RunStore store,
                EventPublisher publisher, RecordedRewards recorded, ScheduledExecutorService timers,
                Runnable onFinished) {
        super(runId, config, replay, store, publisher, recorded, onFinished);
        this.maskSemantics = maskSemantics;
        this.timers = timers;
    }

    @Override
    protected void begin() {
        // Every step is open to rewards from the start: RewardCheck refuses a step the run has not reached.
        db("run start", () -> store.update(runId, r -> {
            r.status = RunStatus.RUNNING;
            r.currentStep = config.steps() - 1;
        }));
        RecordedRewards.Read read = recorded.read(replay.of(), replay.start(), r -> {
            if (r.status() != RewardStatus.CANCELLED) {
                send(r);
            }
            return !stopRequested();
        });
        if (stopRequested()) {
            return;
        }
        allSent = true;
        LOG.infof("re-score run %s: %d candidate(s) of run %s sent for evaluation (rewards partition %d, offsets "
                + "%d..%d)", runId, rows.size(), replay.of(), read.partition(), read.fromOffset(), read.toOffset());
        if (rows.isEmpty() || rescored == rows.size()) {
            complete();
        } else {
            armDeadline();
        }
    }

    private void send(RewardEvent recorded) {
        CandidateEvent old = recorded.candidate();
        String prompt = PromptIds.of(runId, old.step(), old.group());
        String id = CandidateEvent.idOf(prompt, old.sample());
        CandidateEvent again = new CandidateEvent(Event.CURRENT_SCHEMA, id, prompt, runId, old.step(), old.group(),
                old.sample(), config.problemId(), old.parentStateId(), old.policyVersion(), old.backend(),
                old.program(), old.trace(), old.target(), maskSemantics, System.currentTimeMillis(),
                old.programBytes(), old.programSha256());
        rows.put(id, RescoreReport.Row.recorded(recorded, id));
        RunThread.await(publisher.candidate(again), "candidate " + id);
    }

    @Override
    protected void accept(RewardEvent reward) {
        RescoreReport.Row row = rows.get(reward.candidateId());
        if (row == null || row.isRescored()) {
            return;
        }
        rows.put(reward.candidateId(), row.rescored(reward));
        rescored++;
        if (allSent && rescored == rows.size()) {
            complete();
        } else if (allSent) {
            armDeadline();
        }
    }

    @Override
    protected void onStop() {
        saveReport();
    }

    private void armDeadline() {
        if (deadline != null) {
            deadline.cancel(false);
        }
        deadline = timers.schedule(() -> submit(this::complete), config.groupDeadlineSeconds(), TimeUnit.SECONDS);
    }

    private void complete() {
        if (deadline != null) {
            deadline.cancel(false);
        }
        RescoreReport report = saveReport();
        finish(RunStatus.COMPLETED, String.format(Locale.ROOT, "re-scored %d of %d candidate(s) of run %s: %d "
                        + "changed status, reward ratio median %s, best %s", report.rescored(), report.candidates(),
                replay.of(), report.statusChanged(), report.rewardRatioMedian() == null ? "-"
                        : String.format(Locale.ROOT, "%.3f", report.rewardRatioMedian()),
                report.bestChanged() ? "changed" : "unchanged"));
    }

    private RescoreReport saveReport() {
        RescoreReport report = RescoreReport.of(replay.of(), new ArrayList<>(rows.values()));
        RescoreReport.Row best = report.newBest();
        String json = EventCodec.encode(report);
        db("re-score report", () -> store.update(runId, r -> {
            r.report = json;
            r.stepsDone = config.steps();
            if (best != null) {
                r.bestRuntimeUs = best.newRuntimeUs();
                r.bestCandidateId = best.rescoredAs();
            }
        }));
        return report;
    }
}
