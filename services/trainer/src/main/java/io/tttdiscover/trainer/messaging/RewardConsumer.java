package io.tttdiscover.trainer.messaging;

import io.smallrye.reactive.messaging.annotations.Blocking;
import io.tttdiscover.protocol.event.EventCodec;
import io.tttdiscover.protocol.event.RewardEvent;
import io.tttdiscover.trainer.domain.Run;
import io.tttdiscover.trainer.service.ProblemPacks;
import io.tttdiscover.trainer.service.RunService;
import io.tttdiscover.trainer.service.RunStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import java.util.Optional;

/**
 * rewards in. A record that does not decode, or a reward that {@link RewardCheck} refuses (unknown run, a prompt this
 * trainer never published, an impossible value), throws here, which nacks it: the dead-letter-queue failure strategy
 * moves it to {@code rewards.dlq} with the reason, and consumption goes on. A database that cannot be reached is
 * waited for ({@link DatabaseRetry}: consumption pauses, nothing is dead-lettered). Storing is idempotent by candidate
 * id; only a first delivery reaches the run.
 */
@ApplicationScoped
public class RewardConsumer {

    @Inject
    RunService runs;

    @Inject
    RunStore store;

    @Inject
    ProblemPacks packs;

    DatabaseRetry retry = DatabaseRetry.standard();

    @Incoming("rewards")
    @Blocking
    public void consume(byte[] payload) {
        RewardEvent reward = EventCodec.reward(payload);
        String what = "reward for candidate " + reward.candidateId();
        Optional<Run> run = retry.call(what, () -> store.run(reward.runId()));
        Optional<String> refusal = RewardCheck.refusal(reward, run, run.map(r -> packs.get(r.problemId)).orElse(null));
        if (refusal.isPresent()) {
            throw new IllegalArgumentException("refused: " + refusal.get());
        }
        retry.call(what, () -> {
            runs.onReward(reward);
            return null;
        });
    }
}
