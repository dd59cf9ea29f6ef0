package io.tttdiscover.messaging;

import org.apache.kafka.clients.producer.Partitioner;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.utils.Utils;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Places the candidates of one prompt on consecutive partitions of {@code candidate-kernels}: the candidate keyed
 * {@code <promptId>-<sample>} goes to {@code (murmur2(promptId) + sample) mod partitions}. A group of G samples thus
 * covers min(G, P) partitions with at most one candidate more on some than on others, so evaluator replicas that share
 * the partitions of a consumer group get equal shares of every step. Hashing each candidate's whole key (Kafka's
 * default) spreads them only on average: 16 candidates over two replicas of 4 partitions each split 8/8 in one step in
 * five and 11/5 or worse in one in five, and the replica with the larger share sets the step's wall time.
 * <p>
 * A key that is not {@code <promptId>-<sample>} (a hand-made record) is hashed whole, as Kafka's default partitioner
 * does; a record without a key goes to partition 0 of the topic's partitions.
 * <p>
 * Configured on the producers of {@code candidate-kernels} ({@code partitioner.class}): the sampler and the trainer
 * (re-score runs).
 */
public final class CandidatePartitioner implements Partitioner {

    @Override
    public int partition(String topic, Object key, byte[] keyBytes, Object value, byte[] valueBytes, Cluster cluster) {
        int partitions = cluster.partitionsForTopic(topic).size();
        return partitionOf(key == null ? null : key.toString(), partitions);
    }

    /** The partition of a candidate key among {@code partitions}. */
    public static int partitionOf(String key, int partitions) {
        if (partitions <= 0) {
            throw new IllegalArgumentException("a topic has at least one partition, not " + partitions);
        }
        if (key == null) {
            return 0;
        }
        int dash = key.lastIndexOf('-');
        int sample = dash > 0 ? sampleOf(key.substring(dash + 1)) : -1;
        if (sample < 0) {
            return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
        }
        int base = Utils.toPositive(Utils.murmur2(key.substring(0, dash).getBytes(StandardCharsets.UTF_8)));
        return (int) ((base + (long) sample) % partitions);
    }

    /** The sample number at the end of a key, or -1 when the tail is not a plain non-negative decimal number. */
    private static int sampleOf(String tail) {
        if (tail.isEmpty() || tail.length() > 9) {
            return -1;
        }
        for (int i = 0; i < tail.length(); i++) {
            if (tail.charAt(i) < '0' || tail.charAt(i) > '9') {
                return -1;
            }
        }
        return Integer.parseInt(tail);
    }

    @Override
    public void configure(Map<String, ?> configs) {
    }

    @Override
    public void close() {
    }
}
