package io.tttdiscover.bench;

import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The evaluator as a share-group member: it acquires one record at a time ({@code max.poll.records=1} with
 * {@code share.acquire.mode=record_limit}, so nothing waits on a busy replica), renews the record's acquisition lock
 * while the evaluation runs longer than half the lock ({@link AcknowledgeType#RENEW}, Kafka 4.2), and accepts it
 * when done. One consumer thread owns the client (it is not thread-safe); the evaluation runs on a worker.
 */
public final class ShareReplica implements Replica {
    private final String name;
    private final Events events;
    private final Thread poller;
    private final ExecutorService worker;
    private final AtomicLong renewals;
    private volatile boolean running = true;
    private volatile boolean polled;

    public ShareReplica(String name, String bootstrap, String topic, String group, Events events, AtomicLong renewals) {
        this.name = name;
        this.events = events;
        this.renewals = renewals;
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, name);
        p.put(ConsumerConfig.SHARE_ACKNOWLEDGEMENT_MODE_CONFIG, "explicit");
        p.put(ConsumerConfig.SHARE_ACQUIRE_MODE_CONFIG, "record_limit");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "1");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        KafkaShareConsumer<String, String> consumer = new KafkaShareConsumer<>(p);
        worker = Executors.newSingleThreadExecutor(r -> new Thread(r, name + "-work"));
        poller = new Thread(() -> poll(consumer, topic), name + "-poll");
        poller.start();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean ready() {
        return polled;
    }

    private void poll(KafkaShareConsumer<String, String> consumer, String topic) {
        try (consumer) {
            consumer.subscribe(List.of(topic));
            while (running) {
                var records = consumer.poll(Duration.ofMillis(100));
                polled = true;
                for (ConsumerRecord<String, String> r : records) {
                    evaluate(consumer, r);
                }
            }
        } catch (org.apache.kafka.common.errors.InterruptException | InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            worker.shutdownNow();
        }
    }

    /** Runs the evaluation on the worker; meanwhile renews the lock every half lock, then accepts the record. */
    private void evaluate(KafkaShareConsumer<String, String> consumer, ConsumerRecord<String, String> r)
            throws InterruptedException {
        long lockMs = consumer.acquisitionLockTimeoutMs().orElse(Settings.SHARE_LOCK_MS);
        events.started(name, r.key(), System.currentTimeMillis());
        Future<?> evaluation = worker.submit(() -> {
            Thread.sleep(Long.parseLong(r.value()));
            return null;
        });
        ConsumerRecord<String, String> held = r;
        long nextRenewal = System.currentTimeMillis() + lockMs / 2;
        boolean renewed = false;
        while (true) {
            if (renewed) {
                // The renewal goes out with a poll, which (Kafka 4.2) then hands the renewed record back; until it
                // is back it can be neither renewed again nor accepted.
                for (ConsumerRecord<String, String> again : consumer.poll(Duration.ofMillis(50))) {
                    if (again.partition() == r.partition() && again.offset() == r.offset()) {
                        held = again;
                        renewed = false;
                    } else {
                        consumer.acknowledge(again, AcknowledgeType.RELEASE);
                    }
                }
                continue;
            }
            if (evaluation.isDone()) {
                break;
            }
            long now = System.currentTimeMillis();
            if (now >= nextRenewal) {
                consumer.acknowledge(held, AcknowledgeType.RENEW);
                renewals.incrementAndGet();
                renewed = true;
                nextRenewal = now + lockMs / 2;
                continue;
            }
            try {
                evaluation.get(nextRenewal - now, TimeUnit.MILLISECONDS);
            } catch (TimeoutException stillRunning) {
                // Renew the lock on the next turn.
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            }
        }
        events.finished(name, r.key(), System.currentTimeMillis());
        consumer.acknowledge(held, AcknowledgeType.ACCEPT);
        // Acknowledged once "the reward is published": the product would commit here too.
        consumer.commitSync();
    }

    @Override
    public void close() {
        running = false;
        poller.interrupt();
        try {
            poller.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
