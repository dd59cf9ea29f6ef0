package io.tttdiscover.protocol.event;

/** What every event carries: a schema version, the run and step it belongs to, and its idempotency key. */
public interface Event {
    int CURRENT_SCHEMA = 1;

    int schemaVersion();

    String runId();

    int step();

    /** The id under which redelivery is harmless: a consumer that has seen it does nothing the second time. */
    String idempotencyKey();
}
