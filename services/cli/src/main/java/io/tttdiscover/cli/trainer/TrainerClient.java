package io.tttdiscover.cli.trainer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tttdiscover.cli.ServiceHttp;
import io.tttdiscover.protocol.api.RunRequest;
import io.tttdiscover.protocol.api.StepProgress;
import io.tttdiscover.protocol.event.EventCodec;
import io.tttdiscover.protocol.event.StepMetrics;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The trainer's REST API (runs, steps, best program, stop), as the CLI and the end-to-end test use it. A trainer that
 * is briefly away (restarting, overloaded) is waited for: a refused or reset connection, a timeout or a 5xx answer
 * is retried with a doubling back-off for up to {@link Retry#within()}, with one line when such an outage begins. A
 * 4xx answer fails at once with the trainer's own reason. Creating a run is retried only when the trainer cannot have
 * seen the request (the connection was never made), so a retry never creates a second run.
 */
public final class TrainerClient {
    private static final ObjectMapper JSON = EventCodec.mapper();

    /**
     * How long to wait for a trainer that does not answer.
     *
     * @param within  how long an outage may last before the call fails
     * @param first   the wait before the first retry; each further one waits twice as long
     * @param longest the longest wait between two attempts
     */
    public record Retry(Duration within, Duration first, Duration longest) {
        public static final Retry DEFAULT = within(Duration.ofMinutes(2));

        public static Retry within(Duration within) {
            return new Retry(within, Duration.ofMillis(250), Duration.ofSeconds(5));
        }
    }

    private final String base;
    private final Retry retry;
    private final Consumer<String> say;
    private final Runnable whileAway;
    private final HttpClient http = ServiceHttp.client(Duration.ofSeconds(5));
    private long awaySinceNanos = -1;

    /** Retries as {@link Retry#DEFAULT}, noting outages on stderr. */
    public TrainerClient(String baseUrl) {
        this(baseUrl, Retry.DEFAULT, System.err::println, () -> { });
    }

    /**
     * @param say       where the line that an outage began goes
     * @param whileAway runs before each retry; throws to stop waiting (e.g. the supervisor gave up on the trainer)
     */
    public TrainerClient(String baseUrl, Retry retry, Consumer<String> say, Runnable whileAway) {
        this.base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.retry = retry;
        this.say = say;
        this.whileAway = whileAway;
    }

    public String baseUrl() {
        return base;
    }

    /** POST /runs: the created run (id, status, config, ...). */
    public JsonNode createRun(RunRequest request) {
        try {
            return send(HttpRequest.newBuilder(uri("/runs"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(request))), false, true)
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

    /** GET /runs/{id}/progress: the step in flight ({@code StepProgress}), or empty between steps and after the run. */
    public Optional<StepProgress> progress(String runId) {
        return get("/runs/" + runId + "/progress").map(p -> JSON.convertValue(p, StepProgress.class));
    }

    /** GET /runs/{id}/checkpoint: the run's latest {runId, version, step, backend, weightsUri}, or empty. */
    public Optional<JsonNode> checkpoint(String runId) {
        return get("/runs/" + runId + "/checkpoint");
    }

    /** GET /runs/{id}/rescore: a re-score run's report (see the trainer's RescoreReport), or empty. */
    public Optional<JsonNode> rescoreReport(String runId) {
        return get("/runs/" + runId + "/rescore");
    }

    /** POST /runs/{id}/stop; stopping a stopped run changes nothing, so it is retried like a read. */
    public JsonNode stop(String runId) {
        return send(HttpRequest.newBuilder(uri("/runs/" + runId + "/stop"))
                .POST(HttpRequest.BodyPublishers.noBody()), true, true).orElseThrow(() -> noRun(runId));
    }

    private Optional<JsonNode> get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET(), true, true);
    }

    /**
     * @param repeatable whether the request may be sent again after the trainer may have seen it (a read, a stop):
     *                   only such requests are retried after a reset connection, a timeout or a 5xx answer
     */
    private Optional<JsonNode> send(HttpRequest.Builder req, boolean repeatable, boolean notFoundIsEmpty) {
        HttpRequest request = req.timeout(Duration.ofSeconds(30)).header("Accept", "application/json").build();
        String what = request.method() + " " + request.uri().getPath();
        for (int attempt = 0; ; attempt++) {
            String problem;
            try {
                HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() / 100 != 5 || !repeatable) {
                    awaySinceNanos = -1;
                    return answer(what, r, notFoundIsEmpty);
                }
                problem = "HTTP " + r.statusCode() + reason(r.body());
            } catch (ConnectException | HttpConnectTimeoutException neverSent) {
                problem = describe(neverSent);
            } catch (IOException e) {
                if (!repeatable) {
                    throw new IllegalStateException(what + " to the trainer at " + base + " failed after it was sent ("
                            + describe(e) + "); it is not repeated, as the trainer may have acted on it", e);
                }
                problem = describe(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            awaitRetry(attempt, problem);
        }
    }

    /** One line when an outage begins; fails once it has lasted longer than the retry allows. */
    private void awaitRetry(int attempt, String problem) {
        long now = System.nanoTime();
        if (awaySinceNanos < 0) {
            awaySinceNanos = now;
            say.accept("trainer at " + base + " does not answer (" + problem + "); retrying for up to "
                    + retry.within().toSeconds() + " s (--retry-seconds)");
        }
        long left = retry.within().toNanos() - (now - awaySinceNanos);
        if (left <= 0) {
            throw new IllegalStateException("trainer at " + base + " does not answer after "
                    + retry.within().toSeconds() + " s of retrying (" + problem + ")");
        }
        whileAway.run();
        long wait = Math.min(retry.first().toNanos() << Math.min(attempt, 20), retry.longest().toNanos());
        try {
            Thread.sleep(Duration.ofNanos(Math.min(wait, left)).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private Optional<JsonNode> answer(String what, HttpResponse<String> r, boolean notFoundIsEmpty)
            throws IOException {
        int code = r.statusCode();
        if ((code == 404 && notFoundIsEmpty) || code == 204) {
            return Optional.empty();
        }
        if (code / 100 == 4) {
            throw new IllegalArgumentException("the trainer refused " + what + " (HTTP " + code + ")"
                    + reason(r.body()));
        }
        if (code / 100 != 2) {
            throw new IllegalStateException(what + " to the trainer at " + base + " -> HTTP " + code
                    + reason(r.body()));
        }
        return r.body().isBlank() ? Optional.empty() : Optional.of(JSON.readTree(r.body()));
    }

    /** ": <error> (field <field>)" from the trainer's JSON error body, else a short piece of the body as it is. */
    static String reason(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        try {
            JsonNode e = JSON.readTree(body);
            if (e.path("error").isTextual()) {
                return ": " + e.get("error").asText() + (e.path("field").isTextual() ? " (field "
                        + e.get("field").asText() + ")" : "");
            }
        } catch (IOException notJson) {
            // Said as it is, below.
        }
        String flat = body.strip().replaceAll("\\s+", " ");
        return ": " + (flat.length() > 200 ? flat.substring(0, 200) + "..." : flat);
    }

    private static String describe(IOException e) {
        if (e instanceof ConnectException) {
            return "connection refused";
        }
        if (e instanceof HttpConnectTimeoutException) {
            return "connect timed out";
        }
        if (e instanceof HttpTimeoutException) {
            return "no answer within 30 s";
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    private URI uri(String path) {
        return URI.create(base + path);
    }

    private static IllegalArgumentException noRun(String runId) {
        return new IllegalArgumentException("the trainer knows no run " + runId);
    }
}
