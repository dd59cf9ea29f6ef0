package io.tttdiscover.evaluator.messaging;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;

import java.util.HashMap;
import java.util.Map;

/** Swaps the evaluator's Kafka channels for in-memory ones. */
public class InMemoryChannels implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        Map<String, String> props = new HashMap<>();
        props.putAll(InMemoryConnector.switchIncomingChannelsToInMemory("candidates", "checkpoints"));
        props.putAll(InMemoryConnector.switchOutgoingChannelsToInMemory("rewards"));
        return props;
    }

    @Override
    public void stop() {
        InMemoryConnector.clear();
    }
}
