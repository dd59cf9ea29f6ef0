package io.tttdiscover.llm.testserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** A JDK HttpServer that records every JSON request and can answer a path with injected statuses first. */
public abstract class JsonServer implements AutoCloseable {
    protected static final ObjectMapper JSON = new ObjectMapper();

    static {
        // Real model servers (uvicorn, aiohttp) set TCP_NODELAY; without it, Nagle + delayed ACK add ~40 ms a reply.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    public record Reply(int status, String body) {
        public static Reply json(Object body) {
            return new Reply(200, body.toString());
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(32, r -> {
        Thread t = new Thread(r, "test-server");
        t.setDaemon(true);
        return t;
    });
    private final List<Recorded> requests = new CopyOnWriteArrayList<>();
    private final Map<String, Deque<Integer>> injected = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger maxInFlight = new java.util.concurrent.atomic.AtomicInteger();

    /** The most requests this server was handling at one time. */
    public int maxInFlight() {
        return maxInFlight.get();
    }

    /** Nanoseconds spent inside the handler per request, for the overhead benchmark. */
    public final List<Long> handlerNanos = new CopyOnWriteArrayList<>();

    protected JsonServer() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public List<Recorded> requests() {
        return requests;
    }

    public List<Recorded> requests(String pathSuffix) {
        return requests.stream().filter(r -> r.path().endsWith(pathSuffix)).toList();
    }

    /** The next requests to a path (matched by suffix) get these statuses, in order, before normal answers. */
    public void inject(String pathSuffix, Integer... statuses) {
        injected.computeIfAbsent(pathSuffix, k -> new ArrayDeque<>()).addAll(List.of(statuses));
    }

    protected abstract Reply answer(String path, JsonNode body);

    /** A request refused before it reaches {@link #answer}: thrown while reading or checking it. */
    public static final class Refused extends RuntimeException {
        final Reply reply;

        public Refused(int status, String body) {
            super(body, null, false, false);
            this.reply = new Reply(status, body);
        }
    }

    /** The request body as JSON; a server that takes other encodings reads them here. */
    protected JsonNode read(String path, Map<String, String> headers, byte[] raw) throws IOException {
        return raw.length == 0 ? JSON.createObjectNode() : JSON.readTree(raw);
    }

    /** Checks before the body is read (authentication); throws {@link Refused}. */
    protected void admit(String path, Map<String, String> headers) {
    }

    /**
     * A request is in flight from its arrival until its answer is about to be written: the client may send its next
     * request as soon as it has read this answer, before this thread returns, and that is not concurrency.
     */
    private void handle(HttpExchange exchange) throws IOException {
        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        boolean[] counted = {true};
        try {
            respond(exchange, () -> {
                if (counted[0]) {
                    counted[0] = false;
                    inFlight.decrementAndGet();
                }
            });
        } finally {
            if (counted[0]) {
                inFlight.decrementAndGet();
            }
        }
    }

    private void respond(HttpExchange exchange, Runnable answered) throws IOException {
        long start = System.nanoTime();
        String path = exchange.getRequestURI().getPath();
        byte[] raw = exchange.getRequestBody().readAllBytes();
        Map<String, String> headers = new HashMap<>();
        exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v.get(0)));
        Reply reply;
        try {
            admit(path, headers);
            JsonNode body = read(path, headers, raw);
            requests.add(new Recorded(path, headers, body));
            Integer status = injectedStatus(path);
            reply = status != null ? new Reply(status, "") : answer(path, body);
        } catch (Refused e) {
            reply = e.reply;
        } catch (IOException e) {
            reply = new Reply(422, "{\"detail\":\"unreadable body: " + e.getClass().getSimpleName() + "\"}");
        } catch (RuntimeException e) {
            reply = new Reply(500, "{\"error\":\"" + e + "\",\"category\":\"server\"}");
        }
        byte[] out = reply.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        handlerNanos.add(System.nanoTime() - start);
        answered.run();
        exchange.sendResponseHeaders(reply.status(), out.length == 0 ? -1 : out.length);
        try (OutputStream os = exchange.getResponseBody()) {
            os.write(out);
        }
    }

    private Integer injectedStatus(String path) {
        for (Map.Entry<String, Deque<Integer>> e : injected.entrySet()) {
            if (path.endsWith(e.getKey())) {
                synchronized (e.getValue()) {
                    return e.getValue().poll();
                }
            }
        }
        return null;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
