package io.tttdiscover.cli.sample;

import io.tttdiscover.cli.report.TopicReader;
import io.tttdiscover.protocol.Topics;
import io.tttdiscover.protocol.event.CandidateEvent;
import io.tttdiscover.protocol.event.EventCodec;
import io.tttdiscover.protocol.event.MalformedEventException;
import io.tttdiscover.protocol.event.RewardEvent;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Candidates to the evaluators of a Kafka cluster and their rewards back: published on {@code candidate-kernels} as
 * the sampler publishes them, rewards read from {@code rewards} from the moment before publishing. A trainer on the
 * same cluster dead-letters these rewards (their run is none of its own); nothing else changes.
 */
public final class CandidateEvaluation {
    private CandidateEvaluation() {
    }

    /** The rewards of the candidates that arrived within {@code wait}, by candidate id. */
    public static Map<String, RewardEvent> evaluate(String bootstrap, List<CandidateEvent> candidates,
                                                    Duration wait) {
        Map<String, RewardEvent> rewards = new HashMap<>();
        try (TopicReader reader = new TopicReader(bootstrap, Topics.REWARDS,
                new TopicReader.Start(null, System.currentTimeMillis()))) {
            publish(bootstrap, candidates);
            long deadline = System.nanoTime() + wait.toNanos();
            while (rewards.size() < candidates.size() && System.nanoTime() < deadline) {
                reader.poll(Duration.ofMillis(500), r -> {
                    try {
                        RewardEvent reward = EventCodec.reward(r.value());
                        if (candidates.stream().anyMatch(c -> c.candidateId().equals(reward.candidateId()))) {
                            rewards.put(reward.candidateId(), reward);
                        }
                    } catch (MalformedEventException notOurs) {
                        // Another producer's record: not this reader's business.
                    }
                });
            }
        }
        return rewards;
    }

    private static void publish(String bootstrap, List<CandidateEvent> candidates) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(Topics.MAX_RECORD_BYTES));
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            for (CandidateEvent c : candidates) {
                producer.send(new ProducerRecord<>(Topics.CANDIDATES, c.candidateId(), EventCodec.encode(c)))
                        .get(30, TimeUnit.SECONDS);
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot publish to " + Topics.CANDIDATES + " on " + bootstrap + ": "
                    + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
