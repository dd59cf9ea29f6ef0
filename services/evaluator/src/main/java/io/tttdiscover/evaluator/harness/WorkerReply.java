package io.tttdiscover.evaluator.harness;

/**
 * What the pool got for one request: the worker's result line, or why there is none.
 *
 * @param result   the parsed result line when {@code outcome} is ANSWERED, else null
 * @param detail   why there is no result (timeout, exit code, the offending line, stderr tail); null when answered
 * @param ready    the ready line of the worker that took the request; null when none could be started
 * @param slot     which worker slot served the request
 */
public record WorkerReply(Outcome outcome, HarnessResult result, String detail, WorkerReady ready, int slot,
                          long startedAtMs, long finishedAtMs) {

    /** The same reply with another detail (what the reward's message will say). */
    public WorkerReply withDetail(String newDetail) {
        return new WorkerReply(outcome, result, newDetail, ready, slot, startedAtMs, finishedAtMs);
    }

    public enum Outcome {
        /** The worker answered with a well-formed result line. */
        ANSWERED,
        /** No answer within the outer timeout; the worker was killed and is being restarted. */
        TIMEOUT,
        /** The worker exited while the request was in flight; it is being restarted. */
        DIED,
        /** The worker wrote a line that is not a result for this request; it was killed and is being restarted. */
        PROTOCOL_ERROR,
        /** No worker could be started for the slot. */
        START_FAILED
    }
}
