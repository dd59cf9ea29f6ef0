package io.tttdiscover.cli.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;

/**
 * Everything a local run needs, each in its own process: a Kafka broker, a PostgreSQL server (unless an existing
 * one is given), the topics, and the trainer, sampler and evaluator(s). {@link #close()} stops them all (services
 * first, so they leave their consumer groups cleanly) and is safe to call twice, from a shutdown hook included.
 */
public final class LocalStack implements AutoCloseable {
    public static final Map<String, Integer> DEFAULT_PORTS = Map.of("trainer", 8081, "sampler", 8082,
            "evaluator", 8083);
    private static final Duration SERVICE_READY = Duration.ofSeconds(180);

    private final Workspace ws;
    private final FileLock lock;
    private volatile KafkaBroker broker;
    private volatile EmbeddedPostgres postgres;
    private volatile String dbUrl;
    private final Map<String, QuarkusService> services = new LinkedHashMap<>();
    private Supervisor supervisor;
    private volatile boolean closed;

    private LocalStack(Workspace ws, FileLock lock) {
        this.ws = ws;
        this.lock = lock;
    }

    /** Takes the workspace (one local stack per {@code .discover}), stopping what a killed earlier run left. */
    public static LocalStack open(Workspace ws, Consumer<String> say) {
        Workspace.dir(ws.root());
        FileLock lock;
        try {
            FileChannel ch = FileChannel.open(ws.root().resolve("lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            lock = ch.tryLock();
            if (lock == null) {
                ch.close();
                throw new IllegalStateException("another discover command is using " + ws.root());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + ws.root(), e);
        }
        for (String leftover : ProcessRegistry.open(ws.root().resolve("pids"))) {
            say.accept("stopped a leftover process of an earlier run: " + leftover);
        }
        return new LocalStack(ws, lock);
    }

    /** Free space a local run needs where it keeps its broker data, database and logs. */
    static final long MIN_FREE_BYTES = 1L << 30;

    /**
     * Deletes what earlier local runs kept (the broker's data and topics, the embedded database), so the next
     * {@link #startInfrastructure} starts from scratch; a database given by URL is not touched.
     */
    public void discardData(StackOptions options, Consumer<String> say) {
        Workspace.deleteTree(ws.kafka());
        Workspace.deleteTree(EmbeddedPostgres.home(ws));
        say.accept("--fresh: deleted the broker data and " + (options.dbUrl() == null ? "the database"
                + " of earlier runs; starting from scratch" : "topics of earlier runs (the database at "
                + options.dbUrl() + " is kept)"));
    }

    /**
     * Broker and database side by side (they are independent), then the topics that are missing. Both keep what
     * earlier runs left (see {@link KafkaBroker#start} and {@link EmbeddedPostgres#start}), so those runs stay
     * listed and replayable; {@link #discardData} first to start from scratch.
     */
    public void startInfrastructure(StackOptions options, Consumer<String> say) {
        requireFreeSpace(ws.root(), MIN_FREE_BYTES);
        long t0 = System.nanoTime();
        CompletableFuture<KafkaBroker> kafka = CompletableFuture.supplyAsync(() -> KafkaBroker.start(ws));
        CompletableFuture<EmbeddedPostgres> pg = options.dbUrl() == null
                ? CompletableFuture.supplyAsync(() -> EmbeddedPostgres.start(ws))
                : CompletableFuture.completedFuture(null);
        try {
            broker = join(kafka);
            say.accept(String.format("kafka      ready at %s (KRaft, %s, %.1f s)", broker.bootstrapServers(),
                    broker.kept() ? "data of earlier runs kept" : "new", secondsSince(t0)));
        } finally {
            try {
                postgres = join(pg);
            } catch (RuntimeException e) {
                if (broker != null) {
                    throw e;
                }
            }
        }
        if (postgres != null) {
            dbUrl = postgres.jdbcUrl();
            say.accept(String.format("postgres   ready at %s (embedded, %s, %.1f s)", dbUrl,
                    postgres.kept() ? "database of earlier runs kept" : "new", secondsSince(t0)));
        } else {
            dbUrl = options.dbUrl();
            Database.ensureExists(dbUrl);
            say.accept("postgres   using " + dbUrl);
        }
        KafkaBroker.createTopics(broker.bootstrapServers());
    }

    /** One line that says what is wrong when the disk is too full for a local run, before anything starts. */
    static void requireFreeSpace(java.nio.file.Path dir, long needed) {
        long free;
        try {
            free = java.nio.file.Files.getFileStore(dir).getUsableSpace();
        } catch (IOException e) {
            return;  // unknown: let the run try
        }
        if (free < needed) {
            throw new IllegalStateException(String.format("only %.0f MiB free on the disk of %s; a local run needs at "
                    + "least %.0f MiB (free some space, or clone elsewhere)", free / 1048576.0, dir,
                    needed / 1048576.0));
        }
    }

    /** Only the broker, on the data and ports the last local run left (for replay). */
    public String restartBroker() {
        broker = KafkaBroker.restart(ws);
        return broker.bootstrapServers();
    }

    /**
     * The three services, started together and awaited together (their startups overlap); with more than one
     * evaluator, the replicas {@code evaluator-2}, ... on free ports, in the same consumer group.
     */
    public void startServices(StackOptions options, Consumer<String> say) {
        long t0 = System.nanoTime();
        List<String> names = new ArrayList<>(List.of("trainer", "sampler", "evaluator"));
        for (int i = 2; i <= options.evaluators(); i++) {
            names.add("evaluator-" + i);
        }
        for (String name : names) {
            String service = name.startsWith("evaluator") ? "evaluator" : name;
            Map<String, String> env = new HashMap<>(options.envOf(service));
            if (!name.equals(service)) {
                env.putAll(options.envByService().getOrDefault(name, Map.of()));
            }
            env.put("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
            if (service.equals("trainer")) {
                env.put("DISCOVER_DB_URL", dbUrl);
            }
            if (service.equals("evaluator") && options.workers() != null) {
                env.put("DISCOVER_EVALUATOR_WORKERS", options.workers().toString());
            }
            if (service.equals("evaluator")) {
                env.put("DISCOVER_EVALUATOR_PYTHON", PythonEnvironment.PYTHON);
                if (options.evaluators() > 1) {
                    // Each replica its own identity in the rewards it writes, as each pod's HOSTNAME on a cluster.
                    env.putIfAbsent("HOSTNAME", hostName() + "/" + name);
                }
            }
            // A replica's preferred port is its first instance's, which may be taken only once that one is up.
            int port = name.equals(service) ? Ports.preferOrFree(DEFAULT_PORTS.get(service)) : Ports.free();
            QuarkusService instance = QuarkusService.start(ws, service, name, port, "384m", env);
            synchronized (this) {
                services.put(name, instance);
            }
        }
        for (QuarkusService s : List.copyOf(services.values())) {
            s.awaitReady(SERVICE_READY);
            say.accept(String.format("%-10s ready at %s (pid %d, %.1f s)", s.name(), s.url(), s.process().pid(),
                    secondsSince(t0)));
        }
    }

    /**
     * From now on a service process that exits is restarted, up to {@code maxRestarts} times each; the broker and
     * the database are watched but not restarted. The returned supervisor says when one gave up.
     */
    public synchronized Supervisor supervise(int maxRestarts, Consumer<String> say) {
        if (supervisor != null) {
            throw new IllegalStateException("already supervised");
        }
        supervisor = new Supervisor(Duration.ofSeconds(1), say);
        services.values().forEach(s -> supervisor.supervise(s.process(), maxRestarts));
        if (broker != null) {
            supervisor.supervise(broker.process(), 0);
        }
        if (postgres != null) {
            supervisor.supervise(postgres.process(), 0);
        }
        return supervisor;
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    public String dbUrl() {
        return dbUrl;
    }

    private static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "localhost";
        }
    }

    /** A service instance by name: trainer, sampler, evaluator, evaluator-2, ... */
    public synchronized QuarkusService service(String name) {
        return services.get(name);
    }

    /** Every process of the stack, by name, for memory figures. */
    public synchronized Map<String, ChildProcess> processes() {
        Map<String, ChildProcess> all = new LinkedHashMap<>();
        services.forEach((n, s) -> all.put(n, s.process()));
        if (broker != null) {
            all.put("kafka", broker.process());
        }
        if (postgres != null) {
            all.put("postgres", postgres.process());
        }
        return all;
    }

    /**
     * Stops the supervisor, the services, then broker and database; anything still starting is stopped through the
     * process registry. Runs once; a second call (the shutdown hook after a normal end) does nothing.
     */
    @Override
    public void close() {
        List<QuarkusService> running;
        Supervisor watching;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            running = List.copyOf(services.values());
            watching = supervisor;
        }
        if (watching != null) {
            watching.close();
        }
        List<CompletableFuture<Void>> stops = new ArrayList<>();
        for (QuarkusService s : running) {
            stops.add(CompletableFuture.runAsync(s::close));
        }
        stops.forEach(CompletableFuture::join);
        stops.clear();
        if (broker != null) {
            stops.add(CompletableFuture.runAsync(broker::close));
        }
        if (postgres != null) {
            stops.add(CompletableFuture.runAsync(postgres::close));
        }
        stops.forEach(CompletableFuture::join);
        ProcessRegistry.stopAll(10_000);
        try {
            lock.release();
            lock.channel().close();
        } catch (IOException e) {
            // The lock dies with the process anyway.
        }
    }

    private static <T> T join(CompletableFuture<T> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    private static double secondsSince(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
