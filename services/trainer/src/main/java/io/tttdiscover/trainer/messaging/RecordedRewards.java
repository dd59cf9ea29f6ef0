package io.tttdiscover.trainer.messaging;

import io.smallrye.common.annotation.Identifier;
import io.tttdiscover.protocol.Topics;
import io.tttdiscover.protocol.event.EventCodec;
import io.tttdiscover.protocol.event.MalformedEventException;
import io.tttdiscover.protocol.event.RewardEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.Utils;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * A recorded run's experience, read back from the {@code rewards} topic (its own consumer, no group: nothing is
 * committed, the trainer's live consumer is untouched). The topic is keyed by run id, so a run's rewards are in one
 * partition, in the order the trainer received them: that partition is read from a start position up to its end
 * offset as of the call. Rewards of other runs, malformed records and redeliveries (a candidate id seen before) are
 * skipped and counted.
 */
@ApplicationScoped
public class RecordedRewards {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** Every {@code kafka.*} setting of the service (bootstrap servers, security), as Quarkus hands them out. */
    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafka;

    /** Where to start in the run's partition: the beginning, an offset, or the first record at or after a time. */
    public record Start(Long offset, Long timestampMs) {
        public static final Start BEGINNING = new Start(null, null);
    }

    /**
     * What a read found.
     *
     * @param partition  the run's partition of {@code rewards}
     * @param fromOffset the offset it started at
     * @param toOffset   the end offset it read up to (exclusive)
     * @param rewards    distinct rewards of the run handed to the sink
     */
    public record Read(int partition, long fromOffset, long toOffset, int rewards, int duplicates, int malformed) {
    }

    /**
     * Hands the run's distinct rewards, in recorded order, to {@code sink} until the end offset or until the sink
     * returns false.
     */
    public Read read(String runId, Start start, Predicate<RewardEvent> sink) {
        Map<String, Object> config = new HashMap<>();
        kafka.forEach((key, value) -> {
            if (key.equals(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG) || key.startsWith("security.")
                    || key.startsWith("sasl.") || key.startsWith("ssl.")) {
                config.put(key, value);
            }
        });
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // An offset the topic's retention already deleted starts at the oldest record kept, not at the end.
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Topics.MAX_RECORD_BYTES);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "trainer-replay-" + UUID.randomUUID().toString().substring(0, 8));
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            int partitions = consumer.partitionsFor(Topics.REWARDS, TIMEOUT).size();
            TopicPartition tp = new TopicPartition(Topics.REWARDS, partitionOf(runId, partitions));
            consumer.assign(List.of(tp));
            long end = consumer.endOffsets(List.of(tp), TIMEOUT).get(tp);
            seek(consumer, tp, start, end);
            long from = consumer.position(tp, TIMEOUT);
            Set<String> seen = new HashSet<>();
            int duplicates = 0;
            int malformed = 0;
            boolean going = true;
            while (going && consumer.position(tp, TIMEOUT) < end) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (!going || record.offset() >= end || !runId.equals(key(record))) {
                        continue;
                    }
                    RewardEvent reward;
                    try {
                        reward = EventCodec.reward(record.value());
                    } catch (MalformedEventException e) {
                        malformed++;
                        continue;
                    }
                    if (!runId.equals(reward.runId()) || reward.candidate() == null) {
                        malformed++;
                    } else if (!seen.add(reward.candidateId())) {
                        duplicates++;
                    } else {
                        going = sink.test(reward);
                    }
                }
            }
            return new Read(tp.partition(), from, end, seen.size(), duplicates, malformed);
        }
    }

    /** The partition Kafka's default partitioner gives a record keyed {@code runId}, as the evaluators write them. */
    static int partitionOf(String runId, int partitions) {
        return Utils.toPositive(Utils.murmur2(runId.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    private static void seek(KafkaConsumer<byte[], byte[]> consumer, TopicPartition tp, Start start, long end) {
        if (start.timestampMs() != null) {
            OffsetAndTimestamp found = consumer.offsetsForTimes(Map.of(tp, start.timestampMs()), TIMEOUT).get(tp);
            consumer.seek(tp, found == null ? end : found.offset());
        } else if (start.offset() != null) {
            consumer.seek(tp, Math.min(Math.max(start.offset(), 0), end));
        } else {
            consumer.seekToBeginning(List.of(tp));
        }
    }

    private static String key(ConsumerRecord<byte[], byte[]> record) {
        return record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
    }
}
