package io.tttdiscover.cli.trainer;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.tttdiscover.cli.local.Ports;
import org.junit.jupiter.api.AfterEach;
import io.tttdiscover.protocol.api.RunRequest;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The trainer client against a real HTTP server that fails the way a restarting or overloaded trainer does. */
class TrainerClientTest {
    private static final TrainerClient.Retry QUICK = new TrainerClient.Retry(Duration.ofSeconds(10),
            Duration.ofMillis(20), Duration.ofMillis(200));
    private static final String RUN = "{\"id\":\"r1\",\"status\":\"RUNNING\"}";

    private final List<String> lines = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger requests = new AtomicInteger();
    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void a5xxIsRetriedUntilTheTrainerAnswersWithOneLineForTheOutage() {
        int port = serve(Ports.free(), 500, 500, 200);
        assertEquals("r1", client(port).run("r1").orElseThrow().path("id").asText());
        assertEquals(3, requests.get());
        assertEquals(1, lines.size(), lines::toString);
        assertTrue(lines.get(0).contains("does not answer (HTTP 500: busy)"), lines.get(0));
    }

    @Test
    void a4xxFailsAtOnceWithTheTrainersReason() {
        int port = serve(Ports.free(), 400);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> client(port).createRun(RunRequest.empty().with(Map.of("steps", 0))));
        assertEquals("the trainer refused POST /runs (HTTP 400): steps must be positive (field steps)",
                e.getMessage());
        assertEquals(1, requests.get());
        assertEquals(List.of(), lines);
    }

    @Test
    void creatingARunIsNotRepeatedOnceTheTrainerHasSeenIt() {
        int port = serve(Ports.free(), 503, 200);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> client(port).createRun(RunRequest.empty().with(Map.of("steps", 1))));
        assertTrue(e.getMessage().contains("HTTP 503"), e.getMessage());
        assertEquals(1, requests.get(), "one POST: a retry could have created a second run");
    }

    @Test
    void aRefusedConnectionIsRetriedUntilTheTrainerIsUpEvenForCreatingARun() throws Exception {
        int port = Ports.free();
        CompletableFuture<String> created = CompletableFuture.supplyAsync(
                () -> client(port).createRun(RunRequest.empty().with(Map.of("steps", 1))).path("id").asText());
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (lines.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        serve(port, 200);
        assertEquals("r1", created.get());
        assertEquals(1, requests.get(), "the trainer saw one POST: one run");
        assertEquals(1, lines.size(), lines::toString);
        assertTrue(lines.get(0).contains("does not answer (connection refused); retrying for up to 10 s"),
                lines.get(0));
    }

    @Test
    void anOutageLongerThanTheRetryWindowFails() {
        TrainerClient client = new TrainerClient("http://127.0.0.1:" + Ports.free(), new TrainerClient.Retry(
                Duration.ofMillis(400), Duration.ofMillis(20), Duration.ofMillis(100)), lines::add, () -> { });
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> client.run("r1"));
        assertTrue(e.getMessage().contains("does not answer after 0 s of retrying (connection refused)"),
                e.getMessage());
        assertEquals(1, lines.size(), "one line for the outage, not one per attempt: " + lines);
    }

    @Test
    void waitingStopsWhenTheSupervisorGivesUpOnTheTrainer() {
        TrainerClient client = new TrainerClient("http://127.0.0.1:" + Ports.free(), QUICK, lines::add, () -> {
            throw new IllegalStateException("trainer exited (code 1) after 3 s; no restart left");
        });
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> client.steps("r1"));
        assertEquals("trainer exited (code 1) after 3 s; no restart left", e.getMessage());
    }

    private TrainerClient client(int port) {
        return new TrainerClient("http://127.0.0.1:" + port, QUICK, lines::add, () -> { });
    }

    /** Answers the given status codes in turn (the last one from then on): 2xx with a run, others with an error. */
    private int serve(int port, int... codes) {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/runs", exchange -> {
            int n = requests.getAndIncrement();
            int code = codes[Math.min(n, codes.length - 1)];
            String body = code == 200 ? RUN : code == 400
                    ? "{\"error\":\"steps must be positive\",\"field\":\"steps\"}" : "{\"error\":\"busy\"}";
            answer(exchange, code, body);
        });
        server.start();
        return port;
    }

    private static void answer(HttpExchange exchange, int code, String body) throws IOException {
        exchange.getRequestBody().readAllBytes();
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(code, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }
}
