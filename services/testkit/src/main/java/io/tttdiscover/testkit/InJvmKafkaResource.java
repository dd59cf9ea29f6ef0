package io.tttdiscover.testkit;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/**
 * {@code @QuarkusTestResource(InJvmKafkaResource.class)}: points the app's Kafka connector at the in-JVM broker.
 * The broker outlives the test class so several classes share it; it stops with the JVM.
 */
public class InJvmKafkaResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return Map.of("kafka.bootstrap.servers", InJvmKafka.bootstrapServers());
    }

    @Override
    public void stop() {
        // Shared across test classes; stopped by the JVM shutdown hook.
    }
}
