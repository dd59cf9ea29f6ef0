package io.tttdiscover.cli;

import io.tttdiscover.cli.local.LocalStack;
import io.tttdiscover.cli.local.StackOptions;
import io.tttdiscover.cli.local.Workspace;
import io.tttdiscover.cli.report.TopicReader;
import io.tttdiscover.protocol.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Local data outlives a {@code discover run}: the next one starts the broker on the same storage (same cluster, same
 * ports, the records still there) and PostgreSQL on the same cluster (same port, database and tables), and creates
 * only the topics that are missing; {@code --fresh} starts from scratch. Broker and database only (no services).
 */
class LocalDataKeptIT {
    private static final String TOPIC = Topics.LAYOUT.get(0).name();

    @Test
    void theNextRunKeepsTheBrokerStorageTopicsAndDatabaseAndFreshForgetsThem() throws Exception {
        assumeTrue(Files.isDirectory(ItStack.REPO.resolve("services/cli/target/lib")), "the CLI is not packaged");
        assumeTrue(System.getProperty("os.name").toLowerCase().contains("linux")
                && List.of("amd64", "x86_64").contains(System.getProperty("os.arch")), "PostgreSQL ships for x86_64 linux");
        Workspace ws = ItStack.workspace("kept");
        StackOptions options = new StackOptions(null, null, Map.of());

        List<String> first = new ArrayList<>();
        String bootstrap;
        String dbUrl;
        String cluster;
        try (LocalStack stack = LocalStack.open(ws, first::add)) {
            stack.discardData(options, first::add);
            stack.startInfrastructure(options, first::add);
            bootstrap = stack.bootstrapServers();
            dbUrl = stack.dbUrl();
            cluster = clusterId(bootstrap);
            try (KafkaProducer<String, String> producer = producer(bootstrap)) {
                producer.send(new ProducerRecord<>(TOPIC, "kept-it", "{}")).get(30, TimeUnit.SECONDS);
            }
            sql(dbUrl, "create table kept_it(x int); insert into kept_it values (7)");
        }
        assertTrue(first.stream().anyMatch(l -> l.startsWith("kafka ") && l.contains("(KRaft, new,")), first::toString);
        assertTrue(first.stream().anyMatch(l -> l.startsWith("postgres ") && l.contains("(embedded, new,")),
                first::toString);

        List<String> second = new ArrayList<>();
        try (LocalStack stack = LocalStack.open(ws, second::add)) {
            stack.startInfrastructure(options, second::add);
            assertEquals(bootstrap, stack.bootstrapServers(), "the broker's ports");
            assertEquals(dbUrl, stack.dbUrl(), "the database's port and name");
            assertEquals(cluster, clusterId(bootstrap), "the same cluster");
            assertTrue(TopicReader.readToEnd(bootstrap, TOPIC, TopicReader.Start.BEGINNING).stream()
                    .anyMatch(r -> "kept-it".equals(r.key())), "the earlier run's record");
            assertEquals(7, sql(dbUrl, "select x from kept_it"), "the earlier run's table");
        }
        assertTrue(second.stream().anyMatch(l -> l.contains("data of earlier runs kept")), second::toString);
        assertTrue(second.stream().anyMatch(l -> l.contains("database of earlier runs kept")), second::toString);

        try (LocalStack stack = LocalStack.open(ws, second::add)) {
            stack.discardData(options, second::add);
        }
        assertFalse(Files.exists(ws.kafka()), "--fresh deletes the broker storage");
    }

    private static String clusterId(String bootstrap) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            return admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS);
        }
    }

    private static KafkaProducer<String, String> producer(String bootstrap) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName()));
    }

    /** Runs the statements; the first column of the first row of a query, else -1. */
    private static int sql(String url, String statements) throws Exception {
        try (Connection c = DriverManager.getConnection(url, "postgres", ""); Statement st = c.createStatement()) {
            if (st.execute(statements)) {
                try (ResultSet rs = st.getResultSet()) {
                    return rs.next() ? rs.getInt(1) : -1;
                }
            }
            return -1;
        }
    }
}
