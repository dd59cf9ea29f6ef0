package io.tttdiscover.testkit;

import io.tttdiscover.protocol.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.common.utils.Exit;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A real single-node KRaft Kafka broker running inside the test JVM: the same broker code as production, no Docker.
 * One broker per JVM, started on first use and shared by every test class (topics are created once).
 *
 * <p>The broker's fatal-error paths call Kafka's {@link Exit}, which would end the test JVM itself (seen once in CI:
 * the surefire fork of the trainer module exited abnormally after all its tests had passed, while the broker was
 * being closed in a shutdown hook). Here they log instead, and the close at JVM exit is bounded in time.
 */
public final class InJvmKafka {
    private static final System.Logger LOG = System.getLogger(InJvmKafka.class.getName());
    private static final long CLOSE_TIMEOUT_S = 20;
    private static KafkaClusterTestKit cluster;

    private InJvmKafka() {
    }

    /** Starts the broker if needed and returns its bootstrap servers. */
    public static synchronized String bootstrapServers() {
        if (cluster == null) {
            Exit.setExitProcedure((code, message) ->
                    LOG.log(System.Logger.Level.WARNING, "in-JVM broker asked to exit({0}): {1}", code, message));
            Exit.setHaltProcedure((code, message) ->
                    LOG.log(System.Logger.Level.WARNING, "in-JVM broker asked to halt({0}): {1}", code, message));
            try {
                KafkaClusterTestKit kit = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                        .setCombined(true)
                        .setNumBrokerNodes(1)
                        .setNumControllerNodes(1)
                        .build())
                        .setConfigProp("offsets.topic.replication.factor", "1")
                        .setConfigProp("transaction.state.log.replication.factor", "1")
                        .setConfigProp("group.initial.rebalance.delay.ms", "0")
                        // The same record limits as every other broker of the product (see Topics).
                        .setConfigProp("message.max.bytes", Integer.toString(Topics.MAX_DEAD_LETTER_BYTES))
                        .setConfigProp("replica.fetch.max.bytes", Integer.toString(Topics.MAX_DEAD_LETTER_BYTES))
                        .build();
                kit.format();
                kit.startup();
                kit.waitForReadyBrokers();
                cluster = kit;
                createTopics(kit.bootstrapServers());
                Runtime.getRuntime().addShutdownHook(new Thread(InJvmKafka::stopBounded, "in-jvm-kafka-stop"));
            } catch (Exception e) {
                throw new IllegalStateException("cannot start the in-JVM Kafka broker", e);
            }
        }
        return cluster.bootstrapServers();
    }

    /** At JVM exit: close the broker, but never hold the JVM's exit for longer than {@value #CLOSE_TIMEOUT_S} s. */
    private static void stopBounded() {
        Thread closer = new Thread(InJvmKafka::stop, "in-jvm-kafka-close");
        closer.setDaemon(true);
        closer.start();
        try {
            closer.join(TimeUnit.SECONDS.toMillis(CLOSE_TIMEOUT_S));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (closer.isAlive()) {
            LOG.log(System.Logger.Level.WARNING, "in-JVM broker did not close within {0} s; exiting anyway",
                    CLOSE_TIMEOUT_S);
        }
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

    /** The product's topics with the partition counts and record limits the local run uses. */
    static void createTopics(String bootstrap) throws InterruptedException, ExecutionException {
        List<NewTopic> topics = Topics.LAYOUT.stream()
                .map(t -> new NewTopic(t.name(), t.partitions(), (short) 1).configs(t.configs()))
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
            awaitVisible(admin, topics.stream().map(NewTopic::name).toList());
        }
    }

    /**
     * Topic creation returns once the controller has it; a describe (or a produce) right after can still meet
     * UnknownTopicOrPartition until the broker has the partitions: wait for that, so tests start on a ready broker.
     */
    private static void awaitVisible(Admin admin, List<String> names) throws InterruptedException, ExecutionException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                admin.describeTopics(names).allTopicNames().get();
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException)
                        || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }
}
