package io.tttdiscover.llm.tinker;

import io.tttdiscover.protocol.spi.BackendUnavailableException;

/**
 * A Tinker request that failed for good.
 *
 * @see #category() "user" (the request is wrong: retrying will not help), "server", "unknown", or "transport" when
 * the server could not be reached
 */
public class TinkerException extends BackendUnavailableException {
    private final String category;

    public TinkerException(String category, String message, Throwable cause) {
        super(message, cause);
        this.category = category;
    }

    public String category() {
        return category;
    }
}
