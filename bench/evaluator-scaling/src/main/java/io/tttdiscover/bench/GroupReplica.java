package io.tttdiscover.bench;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;

/**
 * The evaluator as it is: one member of a classic consumer group (the product's default protocol and assignor) that
 * takes up to {@code readAhead} records off its partitions to wait for its one worker, as the SmallRye channel does
 * with {@code discover.evaluator.read-ahead}. Like SmallRye's throttled commit, it commits per partition the offset
 * below which every record is evaluated, every {@link Settings#GROUP_COMMIT_EVERY_MS} and when partitions are
 * revoked; records already handed to the worker queue are evaluated even if their partition moves away (SmallRye
 * does not take back what it has dispatched), records fetched beyond the read-ahead are dropped on revocation.
 */
public final class GroupReplica implements Replica {
    private final String name;
    private final int readAhead;
    private final Events events;
    private final Thread poller;
    private final Thread worker;
    private final Object lock = new Object();
    /** Handed to the worker (the read-ahead), in arrival order. */
    private final ArrayDeque<ConsumerRecord<String, String>> queue = new ArrayDeque<>();
    /** Fetched beyond the read-ahead: what SmallRye buffers before dispatching. */
    private final ArrayDeque<ConsumerRecord<String, String>> overflow = new ArrayDeque<>();
    /** Per owned partition: offsets received and not yet evaluated, and the next offset after the last received. */
    private final Map<TopicPartition, TreeSet<Long>> pending = new HashMap<>();
    private final Map<TopicPartition, Long> nextOffset = new HashMap<>();
    private volatile boolean running = true;
    private volatile boolean assigned;
    private int busy;
    private long revokedAtMs = -1;
    private long pausedMs;

    public GroupReplica(String name, String bootstrap, String topic, String group, int readAhead, Events events) {
        this.name = name;
        this.readAhead = readAhead;
        this.events = events;
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, name);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, Integer.toString(Settings.GROUP_SESSION_MS));
        p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, Integer.toString(Settings.GROUP_HEARTBEAT_MS));
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p);
        poller = new Thread(() -> poll(consumer, topic), name + "-poll");
        worker = new Thread(this::work, name + "-work");
        poller.start();
        worker.start();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean ready() {
        return assigned;
    }

    @Override
    public long rebalancePausedMs() {
        synchronized (lock) {
            return pausedMs;
        }
    }

    private void poll(KafkaConsumer<String, String> consumer, String topic) {
        try (consumer) {
            consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    consumer.commitSync(committable(partitions));
                    synchronized (lock) {
                        overflow.removeIf(r -> partitions.contains(new TopicPartition(r.topic(), r.partition())));
                        partitions.forEach(tp -> {
                            pending.remove(tp);
                            nextOffset.remove(tp);
                        });
                        revokedAtMs = System.currentTimeMillis();
                    }
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    synchronized (lock) {
                        if (revokedAtMs >= 0) {
                            pausedMs += System.currentTimeMillis() - revokedAtMs;
                            revokedAtMs = -1;
                        }
                    }
                    assigned = true;
                }
            });
            long lastCommit = System.currentTimeMillis();
            while (running) {
                boolean full;
                synchronized (lock) {
                    full = queue.size() + busy + overflow.size() >= readAhead;
                }
                if (full) {
                    consumer.pause(consumer.assignment());
                } else {
                    consumer.resume(consumer.paused());
                }
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(20))) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    synchronized (lock) {
                        pending.computeIfAbsent(tp, t -> new TreeSet<>()).add(r.offset());
                        nextOffset.put(tp, r.offset() + 1);
                        overflow.addLast(r);
                    }
                }
                synchronized (lock) {
                    while (!overflow.isEmpty() && queue.size() + busy < readAhead) {
                        queue.addLast(overflow.pollFirst());
                        lock.notifyAll();
                    }
                }
                if (System.currentTimeMillis() - lastCommit >= Settings.GROUP_COMMIT_EVERY_MS) {
                    consumer.commitAsync(committable(consumer.assignment()), null);
                    lastCommit = System.currentTimeMillis();
                }
            }
        } catch (org.apache.kafka.common.errors.InterruptException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Per partition: the lowest offset not yet evaluated (the throttled commit's position). */
    private Map<TopicPartition, OffsetAndMetadata> committable(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        synchronized (lock) {
            for (TopicPartition tp : partitions) {
                Long next = nextOffset.get(tp);
                if (next == null) {
                    continue;
                }
                TreeSet<Long> open = pending.get(tp);
                offsets.put(tp, new OffsetAndMetadata(open == null || open.isEmpty() ? next : open.first()));
            }
        }
        return offsets;
    }

    private void work() {
        try {
            while (running) {
                ConsumerRecord<String, String> r;
                synchronized (lock) {
                    while (queue.isEmpty()) {
                        lock.wait();
                    }
                    r = queue.pollFirst();
                    busy++;
                }
                events.started(name, r.key(), System.currentTimeMillis());
                Thread.sleep(Long.parseLong(r.value()));
                events.finished(name, r.key(), System.currentTimeMillis());
                synchronized (lock) {
                    busy--;
                    TreeSet<Long> open = pending.get(new TopicPartition(r.topic(), r.partition()));
                    if (open != null) {
                        open.remove(r.offset());
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        worker.interrupt();
        try {
            poller.join(10_000);
            worker.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
