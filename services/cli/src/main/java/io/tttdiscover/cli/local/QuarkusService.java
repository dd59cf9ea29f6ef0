package io.tttdiscover.cli.local;

import io.tttdiscover.cli.ServiceHttp;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One of the three services (trainer, sampler, evaluator), or one replica of it, run as its own JVM from its Quarkus
 * fast-jar.
 */
public final class QuarkusService implements AutoCloseable {
    private static final HttpClient HTTP = ServiceHttp.client(Duration.ofSeconds(2));

    private final String name;
    private final int port;
    private final ChildProcess process;

    private QuarkusService(String name, int port, ChildProcess process) {
        this.name = name;
        this.port = port;
        this.process = process;
    }

    /** Starts {@code services/<name>/target/quarkus-app/quarkus-run.jar} with the repo root as working dir. */
    public static QuarkusService start(Workspace ws, String name, int port, String heap, Map<String, String> env) {
        return start(ws, name, name, port, heap, env);
    }

    /**
     * Starts one instance of a service (e.g. {@code evaluator-2}, a second evaluator): the service's jar, the
     * instance's name for the log file and the process.
     */
    public static QuarkusService start(Workspace ws, String service, String name, int port, String heap,
                                       Map<String, String> env) {
        var jar = ws.serviceJar(service);
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build with ./mvnw -B package -DskipTests");
        }
        Map<String, String> all = new HashMap<>(env);
        all.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        all.put("DISCOVER_PROBLEMS_DIR", ws.problems().toString());
        // Service logs go to .discover/logs/<name>.log through stdout; no ANSI colours in a file.
        all.put("QUARKUS_CONSOLE_COLOR", "false");
        List<String> cmd = new ArrayList<>(List.of(Java.executable(), "-Xmx" + heap, "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-Djava.awt.headless=true", "-jar", jar.toString()));
        return new QuarkusService(name, port, ChildProcess.start(name, cmd, ws.repo(), all, ws.log(name)));
    }

    public String name() {
        return name;
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public ChildProcess process() {
        return process;
    }

    /** Polls {@code /q/health/ready} until it answers 200. */
    public void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        HttpRequest req = HttpRequest.newBuilder(URI.create(url() + "/q/health/ready"))
                .timeout(Duration.ofSeconds(3)).GET().build();
        String last = "no answer";
        while (true) {
            process.requireAlive();
            try {
                HttpResponse<String> r = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
                last = r.statusCode() + " " + r.body();
            } catch (IOException notYet) {
                last = notYet.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + " not ready after " + timeout.toSeconds() + " s (" + last
                        + "); see " + process.log());
            }
            KafkaBroker.sleep(250);
        }
    }

    @Override
    public void close() {
        process.stop(Duration.ofSeconds(15));
    }
}
