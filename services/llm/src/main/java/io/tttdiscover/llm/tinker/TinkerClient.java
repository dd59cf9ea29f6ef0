package io.tttdiscover.llm.tinker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tttdiscover.llm.http.Backoff;
import io.tttdiscover.llm.http.HttpReply;
import io.tttdiscover.llm.http.JsonPost;
import io.tttdiscover.protocol.spi.BackendUnavailableException;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Tinker wire protocol, shared by the sampling and training backends: one session (created on first use, kept
 * alive by a heartbeat), requests with an API key and an idempotency key, and futures polled through
 * {@code retrieve_future} with the SDK's retry rules.
 */
public final class TinkerClient implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(TinkerClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BARE_400_ATTEMPTS = 3;

    private final TinkerSettings settings;
    private final TinkerCodec codec;
    private final JsonPost http;
    private final AtomicInteger modelSeq = new AtomicInteger();
    private final AtomicInteger samplingSessionSeq = new AtomicInteger();
    private String sessionId;
    private ScheduledExecutorService heartbeat;

    public TinkerClient(TinkerSettings settings, TinkerCodec codec) {
        this.settings = settings;
        this.codec = codec;
        this.http = new JsonPost(Duration.ofSeconds(10), settings.maxConcurrency());
    }

    public static ObjectNode object() {
        return JSON.createObjectNode();
    }

    /** The session id, creating the session and starting its heartbeat on first use. */
    public synchronized String session() {
        if (sessionId == null) {
            ObjectNode body = object();
            body.putArray("tags");
            body.putObject("user_metadata");
            body.put("sdk_version", settings.sdkVersion());
            body.put("type", "create_session");
            sessionId = request("create_session", body, Map.of()).path("session_id").asText(null);
            if (sessionId == null) {
                throw new TinkerException("server", "create_session answered without a session_id", null);
            }
            heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "tinker-heartbeat");
                t.setDaemon(true);
                return t;
            });
            long every = settings.heartbeatInterval().toMillis();
            heartbeat.scheduleAtFixedRate(this::beat, every, every, TimeUnit.MILLISECONDS);
            LOG.infof("Tinker session %s at %s", sessionId, settings.baseUrl());
        }
        return sessionId;
    }

    /** 0, 1, 2, ... for the models created in this session. */
    public int nextModelSeqId() {
        return modelSeq.getAndIncrement();
    }

    /** 0, 1, 2, ... for the sampling sessions created in this session. */
    public int nextSamplingSessionSeqId() {
        return samplingSessionSeq.getAndIncrement();
    }

    /**
     * POSTs {@code /api/v1/<operation>} and returns its result: directly, or, when the server answers with a future
     * ({@code request_id}), after polling it. A future whose promise is gone (410) is submitted again.
     */
    public JsonNode request(String operation, ObjectNode body, Map<String, String> extraHeaders) {
        long deadline = System.nanoTime() + settings.futureTimeout().toNanos();
        for (int submission = 0; ; submission++) {
            Map<String, String> headers = new HashMap<>(extraHeaders);
            headers.put("X-Idempotency-Key", UUID.randomUUID().toString());
            HttpReply reply = exchange(operation, body, headers, settings.futureTimeout(), deadline);
            JsonNode answer = result(operation, reply);
            if (!answer.hasNonNull("request_id")) {
                return answer;
            }
            JsonNode polled = poll(operation, answer.get("request_id").asText(), deadline);
            if (polled != null) {
                return polled;
            }
            if (submission >= settings.maxRetries()) {
                throw new TinkerException("server", operation + ": future gone (410) " + (submission + 1)
                        + " times", null);
            }
            LOG.warnf("%s: future gone (410), submitting again", operation);
        }
    }

    /** The future's result; null when the server lost it (410) and the request must be submitted again. */
    private JsonNode poll(String operation, String requestId, long deadline) {
        ObjectNode body = object();
        body.put("request_id", requestId);
        body.put("allow_metadata_only", false);
        Duration httpTimeout = settings.pollTimeout().plusSeconds(15);
        while (true) {
            if (System.nanoTime() > deadline) {
                throw new TinkerException("server", operation + ": future " + requestId + " not done after "
                        + settings.futureTimeout(), null);
            }
            HttpReply reply = exchange("retrieve_future", body, Map.of(), httpTimeout, deadline);
            if (reply.status() == 408) {
                continue;
            }
            if (reply.status() == 410) {
                return null;
            }
            JsonNode answer = result(operation, reply);
            if ("try_again".equals(answer.path("type").asText())) {
                continue;
            }
            return answer;
        }
    }

    /** A final reply's body as a result, or the failure it reports. */
    private JsonNode result(String operation, HttpReply reply) {
        JsonNode answer = codec.decode(operation, reply.body());
        if (!reply.ok()) {
            throw new TinkerException(reply.status() >= 500 ? "server" : "user",
                    operation + " failed: HTTP " + reply.status() + " " + abbreviate(reply.text()), null);
        }
        if (answer.hasNonNull("error")) {
            throw new TinkerException(answer.path("category").asText("unknown"),
                    operation + " failed (" + answer.path("category").asText("unknown") + "): "
                            + answer.get("error").asText(), null);
        }
        return answer;
    }

    /**
     * One POST with the transport retries: 5xx and 408 again at once (408 is "still pending" while polling and goes
     * back to the caller), 429 and connection failures after a growing wait, a bare 400 up to 3 times, 402 (billing
     * pause) for a bounded time. Returns 2xx, 408 (polls only), 410, or another final status.
     */
    private HttpReply exchange(String operation, ObjectNode body, Map<String, String> extraHeaders,
                               Duration timeout, long deadline) {
        URI uri = endpoint(operation);
        Map<String, String> headers = new HashMap<>(extraHeaders);
        headers.put("Accept", codec.accept());
        if (settings.apiKey() != null) {
            headers.put("X-API-Key", settings.apiKey());
        }
        byte[] bytes = codec.encode(operation, body);
        boolean polling = operation.equals("retrieve_future");
        Backoff backoff = new Backoff(settings.backoff(), settings.maxBackoff());
        long billingUntil = 0;
        int failures = 0;
        int bare400 = 0;
        int throttled = 0;
        String last;
        Throwable cause = null;
        while (true) {
            try {
                HttpReply reply = http.post(uri, headers, codec.contentType(), bytes, timeout);
                int status = reply.status();
                if (status < 400 || status == 410 || (status == 408 && polling)) {
                    return reply;
                }
                last = "HTTP " + status + " " + abbreviate(reply.text());
                if (status == 429) {
                    backoff.sleep(throttled++);
                } else if (status == 402) {
                    if (billingUntil == 0) {
                        billingUntil = System.nanoTime() + settings.billingPause().toNanos();
                    }
                    if (System.nanoTime() > billingUntil) {
                        return reply;
                    }
                    backoff.sleep(throttled++);
                } else if (status == 400) {
                    if (++bare400 >= BARE_400_ATTEMPTS || hasCategory(reply)) {
                        return reply;
                    }
                } else if (status >= 500 || status == 408) {
                    if (++failures > settings.maxRetries()) {
                        return reply;
                    }
                } else {
                    return reply;
                }
            } catch (IOException e) {
                last = e.toString();
                cause = e;
                if (++failures > settings.maxRetries()) {
                    throw new TinkerException("transport", operation + ": " + uri + " unreachable after "
                            + failures + " attempts: " + last, e);
                }
                backoff.sleep(failures - 1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BackendUnavailableException("interrupted calling " + uri, e);
            }
            if (System.nanoTime() > deadline) {
                throw new TinkerException("transport", operation + ": gave up at the deadline: " + last, cause);
            }
            LOG.debugf("%s: retrying after %s", operation, last);
        }
    }

    /** A 400 that names its category is a real user error, not a transient one. */
    private boolean hasCategory(HttpReply reply) {
        JsonNode body = codec.decode("error", reply.body());
        return body.hasNonNull("category");
    }

    private void beat() {
        try {
            ObjectNode body = object();
            body.put("session_id", sessionId);
            body.put("type", "session_heartbeat");
            HttpReply reply = http.post(endpoint("session_heartbeat"),
                    settings.apiKey() == null ? Map.of() : Map.of("X-API-Key", settings.apiKey()),
                    codec.contentType(), codec.encode("session_heartbeat", body), Duration.ofSeconds(10));
            if (!reply.ok()) {
                LOG.warnf("session heartbeat: HTTP %d", reply.status());
            }
        } catch (IOException e) {
            LOG.warnf("session heartbeat failed: %s", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private URI endpoint(String operation) {
        String base = settings.baseUrl().toString();
        return URI.create(base + (base.endsWith("/") ? "" : "/") + "api/v1/" + operation);
    }

    private static String abbreviate(String s) {
        return s.length() > 500 ? s.substring(0, 500) + "..." : s;
    }

    @Override
    public synchronized void close() {
        if (heartbeat != null) {
            heartbeat.shutdownNow();
            heartbeat = null;
        }
        sessionId = null;
    }
}
