package io.tttdiscover.cli.report;

import io.tttdiscover.protocol.Topics;
import io.tttdiscover.protocol.event.EventCodec;
import io.tttdiscover.protocol.event.MalformedEventException;
import io.tttdiscover.protocol.event.RewardEvent;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One run's rewards as recorded on the {@code rewards} topic (the experience log), read from the beginning.
 * Redelivered rewards (same candidate id) are kept once and counted as duplicates.
 */
public final class RewardLog implements AutoCloseable {
    private final String runId;
    private final Map<String, RewardEvent> byCandidate = new LinkedHashMap<>();
    private final Map<Integer, Integer> perStep = new HashMap<>();
    private int duplicates;
    private int malformed;
    private TopicFollower following;

    private RewardLog(String runId) {
        this.runId = runId;
    }

    /** The run's rewards from {@code start} up to the end of the topic as of now. */
    public static RewardLog read(String bootstrap, String runId, TopicReader.Start start) {
        RewardLog log = new RewardLog(runId);
        TopicReader.readToEnd(bootstrap, Topics.REWARDS, start).forEach(log::accept);
        return log;
    }

    /** Follows the topic in a background thread from the beginning, so counts grow as rewards arrive. */
    public static RewardLog follow(String bootstrap, String runId) {
        RewardLog log = new RewardLog(runId);
        log.following = new TopicFollower(bootstrap, Topics.REWARDS, TopicReader.Start.BEGINNING, "rewards-follower",
                log::accept);
        return log;
    }

    private synchronized void accept(ConsumerRecord<String, String> record) {
        if (record.key() != null && !record.key().equals(runId)) {
            return;
        }
        RewardEvent e;
        try {
            e = EventCodec.reward(record.value());
        } catch (MalformedEventException bad) {
            malformed++;
            return;
        }
        if (!runId.equals(e.runId())) {
            return;
        }
        if (byCandidate.putIfAbsent(e.candidateId(), e) != null) {
            duplicates++;
            return;
        }
        perStep.merge(e.step(), 1, Integer::sum);
    }

    public synchronized int count(int step) {
        return perStep.getOrDefault(step, 0);
    }

    public synchronized int size() {
        return byCandidate.size();
    }

    /** Distinct rewards, in the order they were recorded. */
    public synchronized List<RewardEvent> rewards() {
        return new ArrayList<>(byCandidate.values());
    }

    public synchronized int duplicates() {
        return duplicates;
    }

    public synchronized int malformed() {
        return malformed;
    }

    /** Waits until at least {@code n} distinct rewards were read, or the timeout passes. */
    public void awaitAtLeast(int n, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (size() < n && System.nanoTime() < deadline) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void close() {
        if (following != null) {
            following.close();
        }
    }
}
