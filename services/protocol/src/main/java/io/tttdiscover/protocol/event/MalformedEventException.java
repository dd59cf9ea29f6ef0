package io.tttdiscover.protocol.event;

/** A record that cannot become an event: its message is the dead-letter reason. */
public class MalformedEventException extends RuntimeException {
    public MalformedEventException(String message) {
        super(message);
    }

    public MalformedEventException(String message, Throwable cause) {
        super(message, cause);
    }
}
