package io.tttdiscover.evaluator.messaging;

import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.tttdiscover.evaluator.service.EvaluationService;
import io.tttdiscover.protocol.event.CandidateEvent;
import io.tttdiscover.protocol.event.EventCodec;
import io.tttdiscover.protocol.event.RewardEvent;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * candidate-kernels -> rewards. Evaluations run on the "evaluation" pool, as wide as the harness has worker slots. A
 * record that does not decode is nacked and dead-lettered to {@code candidate-kernels.dlq}; every candidate that
 * decodes gets a reward, whatever happened to it, and the candidate is acknowledged only once its reward is.
 */
@ApplicationScoped
public class CandidateListener {
    private static final Logger LOG = Logger.getLogger(CandidateListener.class);

    private final EvaluationService evaluations;
    private final MutinyEmitter<String> rewards;

    public CandidateListener(EvaluationService evaluations, @Channel("rewards") MutinyEmitter<String> rewards) {
        this.evaluations = evaluations;
        this.rewards = rewards;
    }

    @Incoming("candidates")
    @Blocking(value = "evaluation", ordered = false)
    public void onCandidate(String json) {
        long receivedAtMs = System.currentTimeMillis();
        CandidateEvent candidate = EventCodec.candidate(json);
        RewardEvent reward = evaluations.evaluate(candidate, receivedAtMs);
        rewards.sendMessageAndAwait(Message.of(EventCodec.encode(reward))
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(reward.runId()).build()));
        LOG.infof("%s (run %s step %d): %s reward %.4f in %d ms%s", candidate.candidateId(), candidate.runId(),
                candidate.step(), reward.status(), reward.reward(), reward.timings().evalMs(),
                reward.status().success() ? "" : " - " + reward.message());
    }
}
