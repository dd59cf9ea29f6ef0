package io.tttdiscover.sampler.messaging;

import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.tttdiscover.protocol.event.CandidateEvent;
import io.tttdiscover.protocol.event.EventCodec;
import io.tttdiscover.protocol.event.PromptEvent;
import io.tttdiscover.sampler.service.SamplerMetrics;
import io.tttdiscover.sampler.service.SamplingService;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;

/**
 * prompts -> candidate-kernels. A prompt is acknowledged only after all its candidates are; any exception (malformed
 * prompt, unknown run, backend unavailable, a candidate that cannot be published) nacks it, and the channel's failure
 * strategy ({@link io.tttdiscover.messaging.DeadLetterOrSkip}) puts the consumed bytes on {@code prompts.dlq} with the reason.
 * A prompt of a run that has finished is acknowledged without sampling.
 */
@ApplicationScoped
public class PromptListener {
    private static final Logger LOG = Logger.getLogger(PromptListener.class);

    private final SamplingService sampling;
    private final MutinyEmitter<String> candidates;
    private final SamplerMetrics metrics;

    public PromptListener(SamplingService sampling, @Channel("candidates") MutinyEmitter<String> candidates,
                          SamplerMetrics metrics) {
        this.sampling = sampling;
        this.metrics = metrics;
        this.candidates = candidates;
    }

    @Incoming("prompts")
    @Blocking(value = "sampling", ordered = false)
    public void onPrompt(byte[] record) throws InterruptedException {
        PromptEvent prompt = EventCodec.prompt(record);
        if (sampling.alreadyProcessed(prompt.promptId())) {
            LOG.debugf("prompt %s already sampled; redelivery dropped", prompt.promptId());
            metrics.dropped(prompt.problemId(), "redelivered");
            return;
        }
        if (sampling.dropsFinished(prompt)) {
            metrics.dropped(prompt.problemId(), "run-finished");
            return;
        }
        long start = System.nanoTime();
        List<CandidateEvent> sampled = sampling.candidates(prompt);
        for (CandidateEvent c : sampled) {
            candidates.sendMessageAndAwait(Message.of(EventCodec.encode(c))
                    .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(c.candidateId()).build()));
        }
        sampling.markProcessed(prompt.promptId());
        if (!sampled.isEmpty()) {
            metrics.sampled(prompt.problemId(), sampled.get(0).backend(), sampled.size(),
                    Duration.ofNanos(System.nanoTime() - start));
        }
        LOG.debugf("prompt %s (run %s step %d group %d): %d candidates", prompt.promptId(), prompt.runId(),
                prompt.step(), prompt.group(), prompt.samplesWanted());
    }
}
