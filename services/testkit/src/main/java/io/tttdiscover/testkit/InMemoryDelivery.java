package io.tttdiscover.testkit;

import io.smallrye.reactive.messaging.memory.InMemoryConnector;
import org.eclipse.microprofile.reactive.messaging.Message;

import java.util.concurrent.CompletableFuture;

/** Sends a record into an in-memory channel and tells how the consumer settled it: acked, or nacked with why. */
public final class InMemoryDelivery {

    private InMemoryDelivery() {
    }

    /** Completes when the record is acked; completes exceptionally with the nack's reason. */
    public static <T> CompletableFuture<Void> deliver(InMemoryConnector connector, String channel, T payload) {
        CompletableFuture<Void> settled = new CompletableFuture<>();
        connector.source(channel).send(Message.of(payload)
                .withAck(() -> {
                    settled.complete(null);
                    return CompletableFuture.completedFuture(null);
                })
                .withNack(reason -> {
                    settled.completeExceptionally(reason);
                    return CompletableFuture.completedFuture(null);
                }));
        return settled;
    }
}
