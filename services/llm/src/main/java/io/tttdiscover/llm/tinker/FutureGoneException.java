package io.tttdiscover.llm.tinker;

/**
 * The server no longer holds the promise of a submitted request (HTTP 410). Only sampling may be submitted again, and
 * then with a new seq_id: reusing one can land on the same dead promise, and a lost training operation must not be
 * replayed behind the trainer's back.
 */
public final class FutureGoneException extends TinkerException {
    public FutureGoneException(String message) {
        super("server", message, null);
    }
}
