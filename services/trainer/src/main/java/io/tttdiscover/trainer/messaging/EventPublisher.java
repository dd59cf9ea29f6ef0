package io.tttdiscover.trainer.messaging;

import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.tttdiscover.protocol.event.CandidateEvent;
import io.tttdiscover.protocol.event.CheckpointEvent;
import io.tttdiscover.protocol.event.EventCodec;
import io.tttdiscover.protocol.event.PromptEvent;
import io.tttdiscover.trainer.domain.RunStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The trainer's outgoing events: prompts keyed by prompt id, checkpoints keyed by run id, a run's finished marker
 * keyed {@code <runId>#finished} on the checkpoints topic, and a re-score's candidates keyed by candidate id.
 */
@ApplicationScoped
public class EventPublisher {

    @Inject
    @Channel("prompts")
    Emitter<String> prompts;

    @Inject
    @Channel("checkpoints")
    Emitter<String> checkpoints;

    @Inject
    @Channel("candidates")
    Emitter<String> candidates;

    /** Completes when the broker acknowledged the prompt. */
    public CompletionStage<Void> prompt(PromptEvent event) {
        return send(prompts, event.promptId(), EventCodec.encode(event));
    }

    /** Completes when the broker acknowledged the checkpoint. */
    public CompletionStage<Void> checkpoint(CheckpointEvent event) {
        return send(checkpoints, event.key(), EventCodec.encode(event));
    }

    /** Completes when the broker acknowledged the candidate (a recorded one, sent again to be re-scored). */
    public CompletionStage<Void> candidate(CandidateEvent event) {
        return send(candidates, event.candidateId(), EventCodec.encode(event));
    }

    /**
     * Completes when the broker acknowledged that the run has finished: on it the sampler and every evaluator drop the
     * run's queued prompts and candidates.
     */
    public CompletionStage<Void> runFinished(String runId, int step, RunStatus status, String problemId) {
        return checkpoint(CheckpointEvent.runFinished(runId, step, status.name(), problemId));
    }

    private static CompletionStage<Void> send(Emitter<String> emitter, String key, String json) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Metadata metadata = Metadata.of(OutgoingKafkaRecordMetadata.<String>builder().withKey(key).build());
        emitter.send(Message.of(json, metadata,
                () -> {
                    done.complete(null);
                    return CompletableFuture.completedFuture(null);
                },
                failure -> {
                    done.completeExceptionally(failure);
                    return CompletableFuture.completedFuture(null);
                }));
        return done;
    }
}
