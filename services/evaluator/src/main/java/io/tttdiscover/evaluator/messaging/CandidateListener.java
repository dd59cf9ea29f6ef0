package io.tttdiscover.evaluator.messaging;

import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.tttdiscover.evaluator.service.EvaluationService;
import io.tttdiscover.evaluator.service.EvaluatorMetrics;
import io.tttdiscover.evaluator.service.EvaluatorIdentity;
import io.tttdiscover.evaluator.service.FairGate;
import io.tttdiscover.evaluator.service.FinishedRuns;
import io.tttdiscover.evaluator.service.Rewards;
import io.tttdiscover.protocol.event.CandidateEvent;
import io.tttdiscover.protocol.event.EventCodec;
import io.tttdiscover.protocol.event.RewardEvent;
import io.tttdiscover.protocol.event.RewardStatus;
import io.tttdiscover.protocol.pack.ProblemPack;
import io.tttdiscover.protocol.pack.ProblemPacks;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import java.util.List;

/**
 * candidate-kernels -> rewards. Candidates are read ahead on the "evaluation" pool ({@code discover.evaluator.read-ahead}
 * wide) and wait in the {@link FairGate} for one of the harness's worker slots, which go to the runs in turn: a run
 * with thousands of queued candidates does not hold back another run's step.
 * Records arrive as bytes: one that does not decode, or whose reward cannot be published, is nacked and the channel's
 * failure strategy ({@link io.tttdiscover.messaging.DeadLetterOrSkip}) puts those same bytes on {@code candidate-kernels.dlq}. Every candidate
 * that decodes gets a reward, whatever happened to it, and is acknowledged only once its reward is. A program over
 * its pack's {@code max_program_bytes} is not evaluated: its reward is REJECTED ({@code program-too-large}) and
 * carries the program's size and SHA-256, not its text. A candidate of a run that has finished
 * ({@link RunFinishedListener}) is not evaluated: its reward is CANCELLED.
 */
@ApplicationScoped
public class CandidateListener {
    private static final Logger LOG = Logger.getLogger(CandidateListener.class);
    /** A finished run's cancelled candidates are counted at info this often (and the first), each one at debug. */
    private static final int CANCELLED_LOG_EVERY = 1000;

    private final EvaluationService evaluations;
    private final EvaluatorIdentity identity;
    private final ProblemPacks packs;
    private final MutinyEmitter<String> rewards;
    private final FinishedRuns finishedRuns;
    private final FairGate gate;
    private final EvaluatorMetrics metrics;

    public CandidateListener(EvaluationService evaluations, EvaluatorIdentity identity, ProblemPacks packs,
                             @Channel("rewards") MutinyEmitter<String> rewards, FinishedRuns finishedRuns,
                             FairGate gate, EvaluatorMetrics metrics) {
        this.evaluations = evaluations;
        this.metrics = metrics;
        this.gate = gate;
        this.finishedRuns = finishedRuns;
        this.identity = identity;
        this.packs = packs;
        this.rewards = rewards;
    }

    @Incoming("candidates")
    @Blocking(value = "evaluation", ordered = false)
    public void onCandidate(byte[] record) {
        long receivedAtMs = System.currentTimeMillis();
        CandidateEvent candidate = EventCodec.candidate(record);
        if (finishedRuns.contains(candidate.runId())) {
            cancel(candidate, receivedAtMs);
            return;
        }
        int limit = maxProgramBytes(candidate.problemId());
        RewardEvent reward;
        if (candidate.programSize() > limit) {
            reward = tooLarge(candidate, limit, receivedAtMs);
        } else {
            try (FairGate.Pass pass = gate.enter(candidate.runId())) {
                // The run may have finished while the candidate waited for its turn.
                if (!pass.admitted() || finishedRuns.contains(candidate.runId())) {
                    cancel(candidate, receivedAtMs);
                    return;
                }
                reward = evaluations.evaluate(candidate, receivedAtMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while " + candidate.candidateId()
                        + " waited for a worker slot", e);
            }
        }
        publish(reward);
        LOG.infof("%s (run %s step %d): %s reward %.4f in %d ms%s", candidate.candidateId(), candidate.runId(),
                candidate.step(), reward.status(), reward.reward(), reward.timings().evalMs(),
                reward.status().success() ? "" : " - " + reward.message());
    }

    /**
     * A candidate of a finished run is not evaluated: its reward is CANCELLED (reward 0), so the rewards topic still
     * logs every candidate, and the trainer stores it without counting it (its run is over).
     */
    private void cancel(CandidateEvent candidate, long receivedAtMs) {
        publish(Rewards.failure(candidate, RewardStatus.CANCELLED, "run " + candidate.runId()
                + " had finished; not evaluated", identity.bare(), receivedAtMs));
        int cancelled = finishedRuns.countCancelled(candidate.runId());
        if (cancelled == 1 || cancelled % CANCELLED_LOG_EVERY == 0) {
            LOG.infof("run %s has finished: %d of its candidates cancelled here so far", candidate.runId(), cancelled);
        } else {
            LOG.debugf("%s (run %s step %d): cancelled", candidate.candidateId(), candidate.runId(), candidate.step());
        }
    }

    private void publish(RewardEvent reward) {
        rewards.sendMessageAndAwait(Message.of(EventCodec.encode(reward))
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(reward.runId()).build()));
        metrics.answered(reward);
    }

    /** The pack's limit; a problem without a pack here gets the default (its reward says so anyway). */
    private int maxProgramBytes(String problemId) {
        try {
            return packs.get(problemId).maxProgramBytes();
        } catch (IllegalArgumentException e) {
            return ProblemPack.DEFAULT_MAX_PROGRAM_BYTES;
        }
    }

    private RewardEvent tooLarge(CandidateEvent candidate, int limit, long receivedAtMs) {
        CandidateEvent stripped = candidate.withoutProgram();
        RewardEvent r = Rewards.failure(stripped, RewardStatus.REJECTED, "program of " + stripped.programBytes()
                + " bytes is over the limit of " + limit + " bytes of problem " + candidate.problemId()
                + " (sha256 " + stripped.programSha256() + ")", identity.bare(), receivedAtMs);
        return new RewardEvent(r.schemaVersion(), r.runId(), r.step(), r.group(), r.sample(), r.problemId(),
                r.status(), r.message(), r.reward(), r.runtimeUs(), r.benchmarks(), r.tests(),
                List.of(RewardEvent.CHECK_PROGRAM_TOO_LARGE), r.evaluator(), r.timings(), r.candidate());
    }
}
