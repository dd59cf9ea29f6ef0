package io.tttdiscover.bench;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.List;
import java.util.Properties;

/**
 * Runs inside a class loader that holds the product's kafka-clients (4.1.1) instead of the benchmark's: can that
 * client's KafkaShareConsumer consume from the newer broker? Compiled against the benchmark's client, it only uses
 * calls the older client has as well.
 */
public final class ProductClientProbe {
    private ProductClientProbe() {
    }

    /** Consumes {@code expected} records of {@code topic} in share group {@code group}; says what happened. */
    public static String probe(String bootstrap, String topic, String group, int expected) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        String version = org.apache.kafka.common.utils.AppInfoParser.getVersion();
        int received = 0;
        try (KafkaShareConsumer<String, String> consumer = new KafkaShareConsumer<>(p)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.currentTimeMillis() + 20_000;
            while (received < expected && System.currentTimeMillis() < deadline) {
                received += consumer.poll(Duration.ofMillis(200)).count();
            }
            consumer.commitSync();
        } catch (RuntimeException e) {
            StringBuilder why = new StringBuilder();
            for (Throwable t = e; t != null; t = t.getCause()) {
                why.append(why.length() == 0 ? "" : " <- ").append(t.getClass().getSimpleName()).append(": ")
                        .append(t.getMessage());
            }
            return "kafka-clients " + version + ": " + received + " of " + expected + " records, then " + why;
        }
        return "kafka-clients " + version + ": " + received + " of " + expected + " records consumed and acknowledged";
    }
}
