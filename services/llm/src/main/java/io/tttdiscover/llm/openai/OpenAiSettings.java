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
 * @param tinkerAdapterDir where the PEFT export of each Tinker sampler checkpoint is placed, as seen by the server:
 *                       {@code tinker://X} is loaded from {@code <dir>/X}; null refuses {@code tinker://} checkpoints
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
        LocalDate currentDate,
        String tinkerAdapterDir) {

    public enum Dialect { VLLM, SGLANG }

    public static OpenAiSettings defaults(URI baseUrl) {
        return new OpenAiSettings(baseUrl, "openai/gpt-oss-120b", null, Dialect.VLLM, 64, Duration.ofMinutes(15), 5,
                Duration.ofMillis(500), SamplingSettings.PAPER, "high", null, null);
    }

    /** The same settings with another dialect, API key and retry pacing (tests and tools). */
    public OpenAiSettings with(Dialect dialect, String apiKey, int maxRetries, Duration initialBackoff) {
        return new OpenAiSettings(baseUrl, model, apiKey, dialect, maxConcurrency, requestTimeout, maxRetries,
                initialBackoff, sampling, reasoningEffort, currentDate, tinkerAdapterDir);
    }

    public OpenAiSettings withSampling(SamplingSettings sampling) {
        return new OpenAiSettings(baseUrl, model, apiKey, dialect, maxConcurrency, requestTimeout, maxRetries,
                initialBackoff, sampling, reasoningEffort, currentDate, tinkerAdapterDir);
    }

    /** The same settings with another served model name (an adapter the server already serves, for tools). */
    public OpenAiSettings withModel(String model) {
        return new OpenAiSettings(baseUrl, model, apiKey, dialect, maxConcurrency, requestTimeout, maxRetries,
                initialBackoff, sampling, reasoningEffort, currentDate, tinkerAdapterDir);
    }

    public OpenAiSettings withReasoningEffort(String reasoningEffort) {
        return new OpenAiSettings(baseUrl, model, apiKey, dialect, maxConcurrency, requestTimeout, maxRetries,
                initialBackoff, sampling, reasoningEffort, currentDate, tinkerAdapterDir);
    }

    public OpenAiSettings withCurrentDate(LocalDate currentDate) {
        return new OpenAiSettings(baseUrl, model, apiKey, dialect, maxConcurrency, requestTimeout, maxRetries,
                initialBackoff, sampling, reasoningEffort, currentDate, tinkerAdapterDir);
    }

    public OpenAiSettings withTinkerAdapterDir(String tinkerAdapterDir) {
        return new OpenAiSettings(baseUrl, model, apiKey, dialect, maxConcurrency, requestTimeout, maxRetries,
                initialBackoff, sampling, reasoningEffort, currentDate, tinkerAdapterDir);
    }
}
