package io.tttdiscover.cli.report;

import io.tttdiscover.protocol.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.WakeupException;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * How many candidates of one run the samplers have published, per step, counted on the {@code candidate-kernels}
 * topic as they appear. Only the record keys are read: a candidate id is {@code <runId>-s<step>-g<group>-<sample>}.
 */
public final class CandidateCount implements AutoCloseable {
    private final String prefix;
    private final Map<Integer, Integer> perStep = new HashMap<>();
    private final TopicReader follower;
    private final Thread thread;
    private volatile boolean running = true;

    private CandidateCount(String bootstrap, String runId, long sinceMs) {
        this.prefix = runId + "-s";
        this.follower = new TopicReader(bootstrap, Topics.CANDIDATES, new TopicReader.Start(null, sinceMs));
        this.thread = new Thread(() -> {
            try {
                while (running) {
                    follower.poll(Duration.ofMillis(500), this::accept);
                }
            } catch (WakeupException stopping) {
                // close() woke the poll up.
            } finally {
                follower.close();
            }
        }, "candidates-follower");
        thread.setDaemon(true);
        thread.start();
    }

    /** Counts the run's candidates published from {@code sinceMs} (epoch ms) on, in a background thread. */
    public static CandidateCount follow(String bootstrap, String runId, long sinceMs) {
        return new CandidateCount(bootstrap, runId, sinceMs);
    }

    /** The step of a candidate id of this run; -1 for another run's or a malformed id. */
    static int stepOf(String key, String prefix) {
        if (key == null || !key.startsWith(prefix)) {
            return -1;
        }
        int end = key.indexOf("-g", prefix.length());
        try {
            return end < 0 ? -1 : Integer.parseInt(key.substring(prefix.length(), end));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private synchronized void accept(ConsumerRecord<String, String> record) {
        int step = stepOf(record.key(), prefix);
        if (step >= 0) {
            perStep.merge(step, 1, Integer::sum);
        }
    }

    public synchronized int count(int step) {
        return perStep.getOrDefault(step, 0);
    }

    @Override
    public void close() {
        running = false;
        follower.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
