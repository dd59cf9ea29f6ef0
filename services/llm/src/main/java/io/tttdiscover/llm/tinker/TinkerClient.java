package io.tttdiscover.llm.tinker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.luben.zstd.Zstd;
import io.tttdiscover.llm.http.Backoff;
import io.tttdiscover.llm.http.HttpReply;
import io.tttdiscover.llm.http.JsonPost;
import io.tttdiscover.protocol.spi.BackendUnavailableException;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Tinker wire protocol, shared by the sampling and training backends: the server's client config (which decides
 * the wire format), one session (created on first use, kept alive by a heartbeat), requests with an API key and an
 * idempotency key, and futures long-polled through {@code retrieve_future} with the SDK's retry rules.
 */
public final class TinkerClient implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(TinkerClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BARE_400_ATTEMPTS = 3;
    private static final String JSON_TYPE = "application/json";
    /** A submission answers at once with a future; this only bounds uploading a large forward_backward. */
    private static final Duration SUBMIT_TIMEOUT = Duration.ofMinutes(5);

    private final TinkerSettings settings;
    private final JsonPost http;
    private final AtomicInteger modelSeq = new AtomicInteger();
    private final AtomicInteger samplingSessionSeq = new AtomicInteger();
    private volatile WireFormat wireFormat;
    private volatile boolean compressForwardBackward;
    private String sessionId;
    private ScheduledExecutorService heartbeat;

    public TinkerClient(TinkerSettings settings) {
        this.settings = settings;
        this.http = new JsonPost(Duration.ofSeconds(10), settings.maxConcurrency());
    }

    public static ObjectNode object() {
        return JSON.createObjectNode();
    }

    /**
     * The wire format spoken: the configured one, or, for {@code auto}, what {@code /api/v1/client/config} says (SDK
     * 0.25's protobuf unless the server's flags ask for JSON; a server without the endpoint gets protobuf too).
     */
    public synchronized WireFormat wireFormat() {
        if (wireFormat == null) {
            wireFormat = settings.wireFormat() == WireFormat.AUTO ? askClientConfig() : settings.wireFormat();
        }
        return wireFormat;
    }

    private WireFormat askClientConfig() {
        ObjectNode body = object().put("sdk_version", WireFormat.PROTOBUF.sdkVersion());
        try {
            HttpReply reply = http.post(endpoint("client/config"), authHeaders(), JSON_TYPE, bytes(body),
                    Duration.ofSeconds(30));
            if (!reply.ok()) {
                LOG.infof("client/config: HTTP %d; speaking SDK %s (protobuf forward_backward)", reply.status(),
                        WireFormat.PROTOBUF.sdkVersion());
                return WireFormat.PROTOBUF;
            }
            JsonNode flags = decode(reply.body());
            compressForwardBackward = flags.path("proto_compress_fwdbwd").asBoolean(false);
            // SDKs up to 0.24 sent forward_backward as protobuf only when the server set this flag.
            WireFormat chosen = flags.has("proto_write_fwdbwd") && !flags.get("proto_write_fwdbwd").asBoolean()
                    ? WireFormat.JSON : WireFormat.PROTOBUF;
            LOG.infof("client/config: forward_backward as %s%s", chosen, compressForwardBackward ? " (zstd)" : "");
            return chosen;
        } catch (IOException e) {
            LOG.infof("client/config unreachable (%s); speaking SDK %s", e, WireFormat.PROTOBUF.sdkVersion());
            return WireFormat.PROTOBUF;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendUnavailableException("interrupted asking " + settings.baseUrl() + " for its config", e);
        }
    }

    /** The session id, creating the session and starting its heartbeat on first use. */
    public synchronized String session() {
        if (sessionId == null) {
            ObjectNode body = object();
            body.putArray("tags");
            body.putObject("user_metadata");
            body.put("sdk_version", wireFormat().sdkVersion());
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
            LOG.infof("Tinker session %s at %s (SDK %s dialect)", sessionId, settings.baseUrl(),
                    wireFormat().sdkVersion());
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
     * ({@code request_id}), after long-polling it.
     *
     * @throws FutureGoneException when the server lost the future (410); the caller decides whether to submit again
     */
    public JsonNode request(String operation, ObjectNode body, Map<String, String> extraHeaders) {
        long deadline = System.nanoTime() + settings.futureTimeout().toNanos();
        JsonNode answer = submit(operation, body, extraHeaders, deadline);
        if (!answer.hasNonNull("request_id")) {
            return answer;
        }
        return poll(operation, answer.get("request_id").asText(), deadline);
    }

    private JsonNode submit(String operation, ObjectNode body, Map<String, String> extraHeaders, long deadline) {
        Map<String, String> headers = new HashMap<>(extraHeaders);
        headers.put("X-Idempotency-Key", UUID.randomUUID().toString());
        boolean switched = false;
        while (true) {
            HttpReply reply = exchange(operation, body, headers, deadline);
            if (reply.status() == 415 && operation.equals("forward_backward") && !switched) {
                // The server wants the other format (TuFT answers JSON forward_backward with 415).
                switched = true;
                synchronized (this) {
                    wireFormat = wireFormat.other();
                }
                LOG.warnf("forward_backward: HTTP 415, switching to %s", wireFormat);
                continue;
            }
            if (reply.status() == 410) {
                throw new FutureGoneException(operation + ": the server answered 410 to the submission");
            }
            return result(operation, reply);
        }
    }

    /**
     * Long-polls a future until it resolves. A poll the server holds past our HTTP timeout is simply polled again
     * (self-hosted servers keep one open for 120-300 s); connection errors and 5xx are retried without a count, with
     * a bounded backoff, until {@code unreachableLimit} passes without any answer; the whole wait is bounded by the
     * operation's deadline.
     */
    private JsonNode poll(String operation, String requestId, long deadline) {
        ObjectNode body = object();
        body.put("request_id", requestId);
        body.put("allow_metadata_only", false);
        byte[] bytes = bytes(body);
        URI uri = endpoint("retrieve_future");
        Map<String, String> headers = authHeaders();
        headers.put("Accept", JSON_TYPE);
        Backoff backoff = new Backoff(settings.backoff(), settings.maxBackoff());
        long lastAnswer = System.nanoTime();
        long billingUntil = 0;
        int failures = 0;
        int bare400 = 0;
        String last = "no answer yet";
        while (true) {
            if (System.nanoTime() > deadline) {
                throw new TinkerException("server", operation + ": future " + requestId + " not done after "
                        + settings.futureTimeout() + " (" + last + ")", null);
            }
            HttpReply reply;
            try {
                reply = http.post(uri, headers, JSON_TYPE, bytes, settings.pollTimeout());
            } catch (HttpTimeoutException e) {
                if (!(e instanceof HttpConnectTimeoutException)) {
                    // The server held the poll open longer than we wait: it is alive, the operation still running.
                    lastAnswer = System.nanoTime();
                    failures = 0;
                    last = "poll held past " + settings.pollTimeout();
                    continue;
                }
                last = e.toString();
                failures = unreachable(operation, lastAnswer, last, e, backoff, failures);
                continue;
            } catch (IOException e) {
                last = e.toString();
                failures = unreachable(operation, lastAnswer, last, e, backoff, failures);
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BackendUnavailableException("interrupted polling " + uri, e);
            }
            int status = reply.status();
            last = "HTTP " + status;
            if (status >= 500) {
                failures = unreachable(operation, lastAnswer, last + " " + abbreviate(reply.text()), null, backoff,
                        failures);
                continue;
            }
            lastAnswer = System.nanoTime();
            failures = 0;
            if (status == 408) {
                continue;
            }
            if (status == 410) {
                throw new FutureGoneException(operation + ": future " + requestId + " is gone (410)");
            }
            if (status == 429 || status == 409) {
                backoff.sleep(0);
                continue;
            }
            if (status == 402) {
                billingUntil = billingUntil == 0 ? System.nanoTime() + settings.billingPause().toNanos() : billingUntil;
                if (System.nanoTime() < billingUntil) {
                    backoff.sleep(3);
                    continue;
                }
            }
            if (status == 400 && ++bare400 < BARE_400_ATTEMPTS && !hasCategory(reply)) {
                continue;
            }
            JsonNode answer = result(operation, reply);
            if ("try_again".equals(answer.path("type").asText())) {
                continue;
            }
            return answer;
        }
    }

    /** One more poll that got no answer: wait (bounded), or give up once the server has been silent too long. */
    private int unreachable(String operation, long lastAnswer, String what, Throwable cause, Backoff backoff,
                            int failures) {
        if (System.nanoTime() - lastAnswer > settings.unreachableLimit().toNanos()) {
            throw new TinkerException("transport", operation + ": no answer from " + settings.baseUrl() + " for "
                    + settings.unreachableLimit() + ": " + what, cause);
        }
        LOG.debugf("%s: polling again after %s", operation, what);
        backoff.sleep(failures);
        return failures + 1;
    }

    /** A final reply's body as a result, or the failure it reports. */
    private static JsonNode result(String operation, HttpReply reply) {
        JsonNode answer = decode(reply.body());
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
     * One submission with the transport retries: 5xx, 408 and 409 again (up to {@code maxRetries}), 429 and
     * connection failures after a growing wait, a bare 400 up to 3 times, 402 (billing pause) for a bounded time.
     * Returns 2xx, 410, 415 or another final status.
     */
    private HttpReply exchange(String operation, ObjectNode body, Map<String, String> extraHeaders, long deadline) {
        URI uri = endpoint(operation);
        Backoff backoff = new Backoff(settings.backoff(), settings.maxBackoff());
        long billingUntil = 0;
        int failures = 0;
        int bare400 = 0;
        int throttled = 0;
        String last;
        Throwable cause = null;
        while (true) {
            Map<String, String> headers = authHeaders();
            headers.putAll(extraHeaders);
            headers.put("Accept", JSON_TYPE);
            String contentType = JSON_TYPE;
            byte[] bytes;
            if (operation.equals("forward_backward") && wireFormat() == WireFormat.PROTOBUF) {
                contentType = ForwardBackwardProto.CONTENT_TYPE;
                bytes = ForwardBackwardProto.encode(body);
                if (compressForwardBackward) {
                    bytes = Zstd.compress(bytes);
                    headers.put("Content-Encoding", "zstd");
                }
            } else {
                bytes = bytes(body);
            }
            try {
                HttpReply reply = http.post(uri, headers, contentType, bytes, SUBMIT_TIMEOUT);
                int status = reply.status();
                if (status < 400 || status == 410 || status == 415) {
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
                } else if (status >= 500 || status == 408 || status == 409) {
                    if (++failures > settings.maxRetries()) {
                        return reply;
                    }
                    backoff.sleep(failures - 1);
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
    private static boolean hasCategory(HttpReply reply) {
        return decode(reply.body()).hasNonNull("category");
    }

    private void beat() {
        try {
            ObjectNode body = object();
            body.put("session_id", sessionId);
            body.put("type", "session_heartbeat");
            HttpReply reply = http.post(endpoint("session_heartbeat"), authHeaders(), JSON_TYPE, bytes(body),
                    Duration.ofSeconds(10));
            if (!reply.ok()) {
                LOG.warnf("session heartbeat: HTTP %d", reply.status());
            }
        } catch (IOException e) {
            LOG.warnf("session heartbeat failed: %s", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Map<String, String> authHeaders() {
        Map<String, String> headers = new HashMap<>();
        if (settings.apiKey() != null) {
            headers.put("X-API-Key", settings.apiKey());
        }
        return headers;
    }

    private URI endpoint(String operation) {
        String base = settings.baseUrl().toString();
        return URI.create(base + (base.endsWith("/") ? "" : "/") + "api/v1/" + operation);
    }

    private static byte[] bytes(ObjectNode body) {
        return body.toString().getBytes(StandardCharsets.UTF_8);
    }

    static JsonNode decode(byte[] body) {
        if (body.length == 0) {
            return JSON.createObjectNode();
        }
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return JSON.createObjectNode().put("error", new String(body, StandardCharsets.UTF_8))
                    .put("category", "unknown");
        }
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
