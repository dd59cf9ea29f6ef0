package io.tttdiscover.trainer.messaging;

import io.smallrye.reactive.messaging.annotations.Blocking;
import io.tttdiscover.protocol.event.EventCodec;
import io.tttdiscover.protocol.event.RewardEvent;
import io.tttdiscover.trainer.service.RunService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * rewards in. A record that does not decode throws here, which nacks it: the dead-letter-queue failure strategy moves
 * it to {@code rewards.dlq} with the reason, and consumption goes on. Storing is idempotent by candidate id; only a
 * first delivery reaches the run.
 */
@ApplicationScoped
public class RewardConsumer {

    @Inject
    RunService runs;

    @Incoming("rewards")
    @Blocking
    public void consume(String payload) {
        RewardEvent reward = EventCodec.reward(payload);
        runs.onReward(reward);
    }
}
