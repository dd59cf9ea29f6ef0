package io.tttdiscover.testkit;

import io.tttdiscover.protocol.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.utils.Exit;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class InJvmKafkaTest {

    @Test
    void createsTheProductTopicsWithTheirPartitionCounts() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, InJvmKafka.bootstrapServers()))) {
            Map<String, TopicDescription> topics = admin.describeTopics(
                    Topics.LAYOUT.stream().map(Topics.Layout::name).toList()).allTopicNames().get(30, TimeUnit.SECONDS);
            for (Topics.Layout spec : Topics.LAYOUT) {
                assertEquals(spec.partitions(), topics.get(spec.name()).partitions().size(), spec.name());
            }
        }
    }

    /** If Kafka's Exit were still the real one, this call would end the test JVM and fail the build. */
    @Test
    void aBrokerExitOrHaltDoesNotEndTheTestJvm() throws Exception {
        String bootstrap = InJvmKafka.bootstrapServers();
        Exit.exit(3, "InJvmKafkaTest: an exit must not end the test JVM");
        Exit.halt(4, "InJvmKafkaTest: a halt must not end the test JVM");
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            assertFalse(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).isEmpty());
        }
    }
}
