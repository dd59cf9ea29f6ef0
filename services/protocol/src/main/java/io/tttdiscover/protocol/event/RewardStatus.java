package io.tttdiscover.protocol.event;

/** How an evaluation ended. Anything but {@link #OK} carries reward 0. */
public enum RewardStatus {
    OK,
    /** Ran, but the output failed the correctness check. */
    INCORRECT,
    /** The program did not parse, or the policy produced no program at all. */
    SYNTAX_ERROR,
    /** The program raised while loading or running. */
    RUNTIME_ERROR,
    TIMEOUT,
    /** A reward-hacking defence fired; {@code checksFired} names it. */
    REJECTED,
    /** The candidate's process died (signal, out of memory, illegal memory access). */
    CRASHED,
    /** The evaluator itself failed (worker lost, harness broken); not the candidate's fault. */
    EVALUATOR_ERROR,
    /**
     * Not evaluated: its run had finished (stopped, failed or completed) when the candidate came up. Still a reward
     * event, so the rewards topic stays a complete log of every candidate; it is no experience of the policy.
     */
    CANCELLED;

    public boolean success() {
        return this == OK;
    }
}
