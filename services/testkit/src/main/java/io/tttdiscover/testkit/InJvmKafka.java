package io.tttdiscover.testkit;

import io.tttdiscover.protocol.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/**
 * A real single-node KRaft Kafka broker running inside the test JVM: the same broker code as production, no Docker.
 * One broker per JVM, started on first use and shared by every test class (topics are created once).
 */
public final class InJvmKafka {
    private static KafkaClusterTestKit cluster;

    private InJvmKafka() {
    }

    /** Starts the broker if needed and returns its bootstrap servers. */
    public static synchronized String bootstrapServers() {
        if (cluster == null) {
            try {
                KafkaClusterTestKit kit = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                        .setCombined(true)
                        .setNumBrokerNodes(1)
                        .setNumControllerNodes(1)
                        .build())
                        .setConfigProp("offsets.topic.replication.factor", "1")
                        .setConfigProp("transaction.state.log.replication.factor", "1")
                        .setConfigProp("group.initial.rebalance.delay.ms", "0")
                        .build();
                kit.format();
                kit.startup();
                kit.waitForReadyBrokers();
                cluster = kit;
                createTopics(kit.bootstrapServers());
                Runtime.getRuntime().addShutdownHook(new Thread(InJvmKafka::stop, "in-jvm-kafka-stop"));
            } catch (Exception e) {
                throw new IllegalStateException("cannot start the in-JVM Kafka broker", e);
            }
        }
        return cluster.bootstrapServers();
    }

    public static synchronized void stop() {
        if (cluster != null) {
            try {
                cluster.close();
            } catch (Exception ignored) {
                // Shutting down at JVM exit: nothing left to protect.
            }
            cluster = null;
        }
    }

    /** The product's topics with the partition counts the local run uses. */
    static void createTopics(String bootstrap) throws InterruptedException, ExecutionException {
        List<NewTopic> topics = Topics.LAYOUT.stream()
                .map(t -> new NewTopic(t.name(), t.partitions(), (short) 1)
                        .configs(t.compacted() ? Map.of("cleanup.policy", "compact") : Map.of()))
                .toList();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            for (NewTopic topic : topics) {
                try {
                    admin.createTopics(List.of(topic)).all().get();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
        }
    }
}
