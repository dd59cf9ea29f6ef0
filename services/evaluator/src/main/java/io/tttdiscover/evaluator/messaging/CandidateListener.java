package io.tttdiscover.evaluator.messaging;

import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.tttdiscover.evaluator.service.EvaluationService;
import io.tttdiscover.evaluator.service.EvaluatorIdentity;
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
 * candidate-kernels -> rewards. Evaluations run on the "evaluation" pool, as wide as the harness has worker slots.
 * Records arrive as bytes: one that does not decode, or whose reward cannot be published, is nacked and the channel's
 * failure strategy ({@link io.tttdiscover.messaging.DeadLetterOrSkip}) puts those same bytes on {@code candidate-kernels.dlq}. Every candidate
 * that decodes gets a reward, whatever happened to it, and is acknowledged only once its reward is. A program over
 * its pack's {@code max_program_bytes} is not evaluated: its reward is REJECTED ({@code program-too-large}) and
 * carries the program's size and SHA-256, not its text.
 */
@ApplicationScoped
public class CandidateListener {
    private static final Logger LOG = Logger.getLogger(CandidateListener.class);

    private final EvaluationService evaluations;
    private final EvaluatorIdentity identity;
    private final ProblemPacks packs;
    private final MutinyEmitter<String> rewards;

    public CandidateListener(EvaluationService evaluations, EvaluatorIdentity identity, ProblemPacks packs,
                             @Channel("rewards") MutinyEmitter<String> rewards) {
        this.evaluations = evaluations;
        this.identity = identity;
        this.packs = packs;
        this.rewards = rewards;
    }

    @Incoming("candidates")
    @Blocking(value = "evaluation", ordered = false)
    public void onCandidate(byte[] record) {
        long receivedAtMs = System.currentTimeMillis();
        CandidateEvent candidate = EventCodec.candidate(record);
        int limit = maxProgramBytes(candidate.problemId());
        RewardEvent reward = candidate.programSize() > limit
                ? tooLarge(candidate, limit, receivedAtMs)
                : evaluations.evaluate(candidate, receivedAtMs);
        rewards.sendMessageAndAwait(Message.of(EventCodec.encode(reward))
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(reward.runId()).build()));
        LOG.infof("%s (run %s step %d): %s reward %.4f in %d ms%s", candidate.candidateId(), candidate.runId(),
                candidate.step(), reward.status(), reward.reward(), reward.timings().evalMs(),
                reward.status().success() ? "" : " - " + reward.message());
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
