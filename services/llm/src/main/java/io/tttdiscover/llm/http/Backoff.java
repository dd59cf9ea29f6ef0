package io.tttdiscover.llm.http;

import io.tttdiscover.protocol.spi.BackendUnavailableException;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Exponential backoff with jitter: initial * 2^attempt, capped, each wait drawn from [half, full]. */
public record Backoff(Duration initial, Duration max) {

    public Duration delay(int attempt) {
        long full = Math.min(max.toMillis(), initial.toMillis() << Math.min(attempt, 20));
        return Duration.ofMillis(full / 2 + ThreadLocalRandom.current().nextLong(full / 2 + 1));
    }

    public void sleep(int attempt) {
        pause(delay(attempt));
    }

    public static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendUnavailableException("interrupted while waiting to retry", e);
        }
    }
}
