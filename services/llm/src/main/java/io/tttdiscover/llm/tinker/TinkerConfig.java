package io.tttdiscover.llm.tinker;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/** The {@code discover.tinker.*} keys, read here and nowhere else (the sampler's and the trainer's Tinker backends). */
@ConfigMapping(prefix = "discover.tinker")
public interface TinkerConfig {

    /** Env {@code TINKER_BASE_URL} when unset, else the hosted service. */
    Optional<String> baseUrl();

    /** Env {@code TINKER_API_KEY} when unset. */
    Optional<String> apiKey();

    @WithDefault("openai/gpt-oss-120b")
    String baseModel();

    @WithDefault("64")
    int maxConcurrency();

    @WithDefault("1")
    int saveStateEvery();

    /** {@code auto}, {@code protobuf} (SDK 0.25) or {@code json} (SDK 0.24). */
    @WithDefault("auto")
    String wireFormat();

    /** The longest one operation (a forward_backward, a sampling call) may take, polls included. */
    @WithDefault("2h")
    Duration futureTimeout();

    /** HTTP timeout of one poll; self-hosted servers hold a poll open for 120-300 s, the SDK waits 45 s. */
    @WithDefault("45s")
    Duration pollTimeout();

    default TinkerSettings settings() {
        return TinkerSettings.defaults(
                        URI.create(TinkerSettings.configured(baseUrl(), "TINKER_BASE_URL", TinkerSettings.HOSTED)),
                        TinkerSettings.configured(apiKey(), "TINKER_API_KEY", null))
                .withWireFormat(WireFormat.parse(wireFormat()))
                .withMaxConcurrency(maxConcurrency())
                .withPolling(pollTimeout(), futureTimeout(), Duration.ofMinutes(5));
    }
}
