package io.tttdiscover.cli.trainer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tttdiscover.protocol.event.EventCodec;
import io.tttdiscover.protocol.event.StepMetrics;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The trainer's REST API (runs, steps, best program, stop), as the CLI and the end-to-end test use it. */
public final class TrainerClient {
    private static final ObjectMapper JSON = EventCodec.mapper();

    private final String base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public TrainerClient(String baseUrl) {
        this.base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }

    public String baseUrl() {
        return base;
    }

    /** POST /runs: the created run (id, status, config, ...). */
    public JsonNode createRun(Map<String, Object> request) {
        try {
            return send(HttpRequest.newBuilder(uri("/runs"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(request))), true)
                    .orElseThrow();
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot encode run request", e);
        }
    }

    public List<JsonNode> runs() {
        JsonNode all = get("/runs").orElseThrow();
        return JSON.convertValue(all, new TypeReference<List<JsonNode>>() { });
    }

    /** GET /runs/{id}, empty when the trainer knows no such run. */
    public Optional<JsonNode> run(String runId) {
        return get("/runs/" + runId);
    }

    public List<StepMetrics> steps(String runId) {
        JsonNode steps = get("/runs/" + runId + "/steps").orElseThrow(() -> noRun(runId));
        return JSON.convertValue(steps, new TypeReference<List<StepMetrics>>() { });
    }

    /** GET /runs/{id}/best: {runId, candidateId, runtimeUs, reward, program, choices, description}, or empty. */
    public Optional<JsonNode> best(String runId) {
        return get("/runs/" + runId + "/best");
    }

    public JsonNode stop(String runId) {
        return send(HttpRequest.newBuilder(uri("/runs/" + runId + "/stop"))
                .POST(HttpRequest.BodyPublishers.noBody()), true).orElseThrow(() -> noRun(runId));
    }

    private Optional<JsonNode> get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET(), true);
    }

    private Optional<JsonNode> send(HttpRequest.Builder req, boolean notFoundIsEmpty) {
        HttpRequest request = req.timeout(Duration.ofSeconds(30)).header("Accept", "application/json").build();
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 404 && notFoundIsEmpty) {
                return Optional.empty();
            }
            if (r.statusCode() == 204) {
                return Optional.empty();
            }
            if (r.statusCode() / 100 != 2) {
                throw new IllegalStateException(request.method() + " " + request.uri() + " -> " + r.statusCode()
                        + ": " + r.body());
            }
            return r.body().isBlank() ? Optional.empty() : Optional.of(JSON.readTree(r.body()));
        } catch (IOException e) {
            throw new IllegalStateException("trainer at " + base + " does not answer ("
                    + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName()) + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private URI uri(String path) {
        return URI.create(base + path);
    }

    private static IllegalArgumentException noRun(String runId) {
        return new IllegalArgumentException("the trainer knows no run " + runId);
    }
}
