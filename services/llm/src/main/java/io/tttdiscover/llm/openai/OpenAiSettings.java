package io.tttdiscover.llm.openai;

import io.tttdiscover.llm.sampling.SamplingSettings;

import java.net.URI;
import java.time.LocalDate;
import java.time.Duration;

/**
 * How to reach an OpenAI-compatible server.
 *
 * @param model          the served base model name; a run's adapter replaces it once loaded
 * @param apiKey         sent as a bearer token; null for none
 * @param dialect        {@code vllm} ({@code /v1/completions}) or {@code sglang} ({@code /generate})
 * @param maxConcurrency requests in flight at once to the server
 * @param currentDate    the harmony system message's date; null for the day of rendering
 */
public record OpenAiSettings(
        URI baseUrl,
        String model,
        String apiKey,
        Dialect dialect,
        int maxConcurrency,
        Duration requestTimeout,
        int maxRetries,
        Duration initialBackoff,
        SamplingSettings sampling,
        String reasoningEffort,
        LocalDate currentDate) {

    public enum Dialect { VLLM, SGLANG }

    public static OpenAiSettings defaults(URI baseUrl) {
        return new OpenAiSettings(baseUrl, "openai/gpt-oss-120b", null, Dialect.VLLM, 64, Duration.ofMinutes(15), 5,
                Duration.ofMillis(500), SamplingSettings.PAPER, "high", null);
    }

    /** The same settings with another dialect, API key and retry pacing (tests and tools). */
    public OpenAiSettings with(Dialect dialect, String apiKey, int maxRetries, Duration initialBackoff) {
        return new OpenAiSettings(baseUrl, model, apiKey, dialect, maxConcurrency, requestTimeout, maxRetries,
                initialBackoff, sampling, reasoningEffort, currentDate);
    }

    public OpenAiSettings withSampling(SamplingSettings sampling) {
        return new OpenAiSettings(baseUrl, model, apiKey, dialect, maxConcurrency, requestTimeout, maxRetries,
                initialBackoff, sampling, reasoningEffort, currentDate);
    }
}
