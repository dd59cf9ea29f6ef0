package io.tttdiscover.cli.report;

import io.tttdiscover.protocol.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.util.HashMap;
import java.util.Map;

/**
 * How many candidates of one run the samplers have published, per step, counted on the {@code candidate-kernels}
 * topic as they appear. Only the record keys are read: a candidate id is {@code <runId>-s<step>-g<group>-<sample>}.
 */
public final class CandidateCount implements AutoCloseable {
    private final String prefix;
    private final Map<Integer, Integer> perStep = new HashMap<>();
    private final TopicFollower following;

    private CandidateCount(String bootstrap, String runId, long sinceMs) {
        this.prefix = runId + "-s";
        this.following = new TopicFollower(bootstrap, Topics.CANDIDATES, new TopicReader.Start(null, sinceMs),
                "candidates-follower", this::accept);
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
        following.close();
    }
}
