package io.tttdiscover.protocol.event;

/** What every event carries: a schema version, the run and step it belongs to, and its idempotency key. */
public interface Event {
    /**
     * Raised only for a change older consumers cannot read. A field added later is nullable, so an older producer's
     * event decodes with null there and an older consumer ignores it (see {@link EventCodec}).
     */
    int CURRENT_SCHEMA = 1;

    int schemaVersion();

    String runId();

    int step();

    /** The id under which redelivery is harmless: a consumer that has seen it does nothing the second time. */
    String idempotencyKey();
}
