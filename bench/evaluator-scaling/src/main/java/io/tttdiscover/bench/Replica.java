package io.tttdiscover.bench;

/** One simulated evaluator replica with one worker: a sleep as long as the record's value says. */
public interface Replica extends AutoCloseable {
    String name();

    /** Milliseconds this replica spent without partitions while its group rebalanced (consumer groups only). */
    default long rebalancePausedMs() {
        return 0;
    }

    /** Whether the replica is a member ready to receive work. */
    boolean ready();

    @Override
    void close();
}
