package io.tttdiscover.llm.tinker;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * How to reach a Tinker-compatible service.
 *
 * @param wireFormat        forward_backward as protobuf (SDK 0.25), JSON (SDK 0.24), or as the server's client config
 *                          says
 * @param maxConcurrency    requests in flight to the server at once
 * @param maxRetries        attempts per submission after 5xx, 408, 409 or connection failures
 * @param backoff           first wait after a 429, a connection failure or a 5xx (doubles, capped at
 *                          {@code maxBackoff})
 * @param billingPause      how long a 402 (billing pause) is waited out before giving up
 * @param pollTimeout       the HTTP timeout of one long-poll; running out only means "poll again"
 * @param futureTimeout     the longest one operation may take, submission and polls included
 * @param unreachableLimit  how long polls may go without any answer (connection errors, 5xx) before giving up
 * @param heartbeatInterval session heartbeat period (the server warns after 120 s of silence)
 */
public record TinkerSettings(
        URI baseUrl,
        String apiKey,
        WireFormat wireFormat,
        int maxConcurrency,
        int maxRetries,
        Duration backoff,
        Duration maxBackoff,
        Duration billingPause,
        Duration pollTimeout,
        Duration futureTimeout,
        Duration unreachableLimit,
        Duration heartbeatInterval) {

    public static final String HOSTED = "https://tinker.thinkingmachines.dev/services/tinker-prod";

    /** The SDK's pacing: 45 s polls, backoff up to 30 s, 5 minutes without an answer, an hour of billing pause. */
    public static TinkerSettings defaults(URI baseUrl, String apiKey) {
        return new TinkerSettings(baseUrl, apiKey, WireFormat.AUTO, 64, 5, Duration.ofSeconds(1),
                Duration.ofSeconds(30), Duration.ofHours(1), Duration.ofSeconds(45), Duration.ofHours(2),
                Duration.ofMinutes(5), Duration.ofSeconds(10));
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
        return new TinkerSettings(baseUrl, apiKey, wireFormat, maxConcurrency, maxRetries, backoff, maxBackoff,
                billingPause, pollTimeout, futureTimeout, unreachableLimit, heartbeatInterval);
    }

    public TinkerSettings withWireFormat(WireFormat wireFormat) {
        return new TinkerSettings(baseUrl, apiKey, wireFormat, maxConcurrency, maxRetries, backoff, maxBackoff,
                billingPause, pollTimeout, futureTimeout, unreachableLimit, heartbeatInterval);
    }

    public TinkerSettings withPolling(Duration pollTimeout, Duration futureTimeout, Duration unreachableLimit) {
        return new TinkerSettings(baseUrl, apiKey, wireFormat, maxConcurrency, maxRetries, backoff, maxBackoff,
                billingPause, pollTimeout, futureTimeout, unreachableLimit, heartbeatInterval);
    }

    public TinkerSettings withMaxConcurrency(int maxConcurrency) {
        return new TinkerSettings(baseUrl, apiKey, wireFormat, maxConcurrency, maxRetries, backoff, maxBackoff,
                billingPause, pollTimeout, futureTimeout, unreachableLimit, heartbeatInterval);
    }
}
