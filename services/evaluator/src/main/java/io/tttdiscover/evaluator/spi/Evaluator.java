package io.tttdiscover.evaluator.spi;

import io.tttdiscover.protocol.event.CandidateEvent;
import io.tttdiscover.protocol.event.RewardEvent;

/**
 * Scores the candidates of one problem. A new problem plugs in as a new CDI bean implementing this interface; the
 * evaluator service routes each candidate by {@link CandidateEvent#problemId()}.
 *
 * <p>Implementations are blocking and thread-safe (called from a bounded worker pool, one call per worker slot at a
 * time). Errors are values: a failing candidate or a failing harness is a {@link RewardEvent} with a status, not an
 * exception; an exception that escapes anyway becomes an {@code EVALUATOR_ERROR} reward.
 */
public interface Evaluator {

    /** The problem pack id this evaluator scores, e.g. "trimul". */
    String problemId();

    /**
     * @param receivedAtMs when the evaluator service took the candidate off the topic (epoch ms)
     */
    RewardEvent evaluate(CandidateEvent candidate, long receivedAtMs);
}
