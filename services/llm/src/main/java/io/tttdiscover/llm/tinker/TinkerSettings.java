package io.tttdiscover.llm.tinker;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * How to reach a Tinker-compatible service.
 *
 * @param maxRetries        attempts per request after 5xx, 408 or connection failures, and re-submissions after 410
 * @param backoff           first wait after a 429 or a connection failure (doubles, capped at {@code maxBackoff})
 * @param billingPause      how long a 402 (billing pause) is waited out before giving up
 * @param futureTimeout     the longest one future may take, polls included
 * @param heartbeatInterval session heartbeat period (the server warns after 120 s of silence)
 */
public record TinkerSettings(
        URI baseUrl,
        String apiKey,
        String sdkVersion,
        int maxConcurrency,
        int maxRetries,
        Duration backoff,
        Duration maxBackoff,
        Duration billingPause,
        Duration pollTimeout,
        Duration futureTimeout,
        Duration heartbeatInterval) {

    public static final String HOSTED = "https://tinker.thinkingmachines.dev/services/tinker-prod";

    public static TinkerSettings defaults(URI baseUrl, String apiKey) {
        return new TinkerSettings(baseUrl, apiKey, "0.25.0", 64, 5, Duration.ofSeconds(1), Duration.ofSeconds(5),
                Duration.ofMinutes(10), Duration.ofSeconds(45), Duration.ofHours(2), Duration.ofSeconds(10));
    }

    /** Config value, else the TINKER_* environment variable, else the default. */
    static String configured(Optional<String> value, String env, String fallback) {
        return value.filter(v -> !v.isBlank())
                .or(() -> Optional.ofNullable(System.getenv(env)).filter(v -> !v.isBlank()))
                .orElse(fallback);
    }

    /** The same settings with faster pacing (tests and tools). */
    public TinkerSettings paced(Duration backoff, Duration maxBackoff, Duration billingPause,
                                Duration heartbeatInterval) {
        return new TinkerSettings(baseUrl, apiKey, sdkVersion, maxConcurrency, maxRetries, backoff, maxBackoff,
                billingPause, pollTimeout, futureTimeout, heartbeatInterval);
    }
}
