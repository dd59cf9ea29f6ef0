package io.tttdiscover.cli.report;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;

/**
 * Reads a topic without a consumer group (nothing committed, nothing rebalanced): every partition from a start
 * position, either up to the end offsets of the moment ({@link #readToEnd}) or on until stopped ({@link #follow}).
 */
public final class TopicReader implements AutoCloseable {
    private final KafkaConsumer<String, String> consumer;
    private final List<TopicPartition> partitions;

    /** Where to start: the beginning, an offset in every partition, or the first record at or after a time. */
    public record Start(Long offset, Long timestampMs) {
        public static final Start BEGINNING = new Start(null, null);
    }

    public TopicReader(String bootstrap, String topic, Start start) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(8 * 1024 * 1024));
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "discover-cli-" + topic);
        consumer = new KafkaConsumer<>(p);
        partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(i -> new TopicPartition(topic, i.partition())).toList();
        consumer.assign(partitions);
        if (start.timestampMs() != null) {
            Map<TopicPartition, Long> query = new HashMap<>();
            partitions.forEach(tp -> query.put(tp, start.timestampMs()));
            Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query, Duration.ofSeconds(30));
            for (TopicPartition tp : partitions) {
                OffsetAndTimestamp o = found.get(tp);
                if (o == null) {
                    consumer.seekToEnd(List.of(tp));
                } else {
                    consumer.seek(tp, o.offset());
                }
            }
        } else if (start.offset() != null) {
            partitions.forEach(tp -> consumer.seek(tp, start.offset()));
        } else {
            consumer.seekToBeginning(partitions);
        }
    }

    /** Every record from the start up to the end offsets as of now. */
    public static List<ConsumerRecord<String, String>> readToEnd(String bootstrap, String topic, Start start) {
        try (TopicReader r = new TopicReader(bootstrap, topic, start)) {
            return r.readToEnd();
        }
    }

    public List<ConsumerRecord<String, String>> readToEnd() {
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        while (partitions.stream().anyMatch(tp -> consumer.position(tp, Duration.ofSeconds(30)) < end.get(tp))) {
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                out.add(r);
            }
        }
        return out;
    }

    /** One poll's worth of records (used by a follower thread). */
    public void poll(Duration timeout, Consumer<ConsumerRecord<String, String>> sink) {
        consumer.poll(timeout).forEach(sink);
    }

    /** Interrupts a poll in progress from another thread. */
    public void wakeup() {
        consumer.wakeup();
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(2));
    }
}
