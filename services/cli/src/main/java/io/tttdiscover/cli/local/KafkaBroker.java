package io.tttdiscover.cli.local;

import io.tttdiscover.protocol.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A real single-node Kafka broker (KRaft, combined broker + controller) run as its own JVM from the Kafka jars on
 * the CLI's classpath. Its storage in {@code .discover/kafka} outlives the run: the next {@code discover run} starts
 * the broker on it again (same cluster, same ports, the earlier runs' topics), and so does {@code discover replay}.
 */
public final class KafkaBroker implements AutoCloseable {
    private static final String HEAP = "-Xmx512m";
    private final ChildProcess process;
    private final String bootstrap;
    private final boolean kept;

    private KafkaBroker(ChildProcess process, String bootstrap, boolean kept) {
        this.process = process;
        this.bootstrap = bootstrap;
        this.kept = kept;
    }

    /** What a broker directory holds. */
    enum Storage {
        /** Nothing a broker wrote (no directory, or an interrupted format): format it. */
        NONE,
        /** A formatted broker's storage and the ports it listens on: start on it. */
        FORMATTED
    }

    /**
     * Classifies {@code dir}: {@code ports.properties} is written only once formatting succeeded, so storage with
     * both it and Kafka's {@code meta.properties} is whole. Anything else that holds data cannot be used safely and
     * fails with one line that says what to do.
     */
    static Storage storage(Path dir) {
        Path meta = dir.resolve("data").resolve("meta.properties");
        Path portsFile = dir.resolve("ports.properties");
        if (!Files.exists(meta)) {
            if (hasEntries(dir.resolve("data"))) {
                throw unusable(dir, "data/ without meta.properties");
            }
            return Storage.NONE;
        }
        if (!Files.isRegularFile(portsFile)) {
            throw unusable(dir, "no ports.properties");
        }
        try {
            Properties m = load(meta);
            if (m.getProperty("cluster.id", "").isBlank() || !"1".equals(m.getProperty("node.id"))) {
                throw unusable(dir, "meta.properties names no cluster or another node");
            }
            Properties ports = load(portsFile);
            for (String key : List.of("broker.port", "controller.port")) {
                Integer.parseInt(ports.getProperty(key, ""));
            }
        } catch (UncheckedIOException | NumberFormatException e) {
            throw unusable(dir, e.getMessage());
        }
        return Storage.FORMATTED;
    }

    /**
     * Starts the broker on the storage earlier runs left, on their ports, or formats fresh storage (a new cluster,
     * free ports) when there is none; waits until the broker answers.
     */
    public static KafkaBroker start(Workspace ws) {
        Path dir = ws.kafka();
        if (storage(dir) == Storage.FORMATTED) {
            return startKept(ws);
        }
        Workspace.deleteTree(dir);
        Workspace.dir(dir);
        Properties ports = new Properties();
        ports.setProperty("broker.port", Integer.toString(Ports.free()));
        ports.setProperty("controller.port", Integer.toString(Ports.free()));
        Path config = writeServerProperties(dir, ports);
        format(ws, config);
        store(ports, dir.resolve("ports.properties"));
        return start(ws, config, ports, false);
    }

    /** Starts the broker on the data an earlier run left, on that run's ports (for replay). */
    public static KafkaBroker restart(Workspace ws) {
        if (storage(ws.kafka()) != Storage.FORMATTED) {
            throw new IllegalStateException("no local broker data in " + ws.kafka() + " (run `discover run` first, "
                    + "or pass --bootstrap-servers)");
        }
        return startKept(ws);
    }

    /** Kept storage: the ports it was formatted with (the controller's address is part of its metadata). */
    private static KafkaBroker startKept(Workspace ws) {
        Path dir = ws.kafka();
        Properties ports = load(dir.resolve("ports.properties"));
        for (String key : List.of("broker.port", "controller.port")) {
            int port = Integer.parseInt(ports.getProperty(key));
            if (!Ports.isFree(port)) {
                throw new IllegalStateException("port " + port + " of the local broker is in use: is a discover "
                        + "command still running? (stop it; or " + Workspace.START_FRESH + ")");
            }
        }
        return start(ws, writeServerProperties(dir, ports), ports, true);
    }

    private static IllegalStateException unusable(Path dir, String why) {
        return new IllegalStateException("the broker data kept in " + dir + " cannot be used (" + why + "); "
                + Workspace.START_FRESH);
    }

    private static boolean hasEntries(Path dir) {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (var entries = Files.list(dir)) {
            return entries.findAny().isPresent();
        } catch (IOException e) {
            return true;
        }
    }

    /** Whether the broker started on storage earlier runs left (else on new storage). */
    public boolean kept() {
        return kept;
    }

    public String bootstrapServers() {
        return bootstrap;
    }

    public ChildProcess process() {
        return process;
    }

    /**
     * The product's topics (idempotent): partitions sized for a local run, checkpoints compacted, a DLQ each, record
     * limits as {@link Topics} relates them.
     */
    public static void createTopics(String bootstrap) {
        List<NewTopic> topics = Topics.LAYOUT.stream()
                .map(t -> new NewTopic(t.name(), t.partitions(), (short) 1).configs(t.configs()))
                .toList();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = topics.stream().filter(t -> !existing.contains(t.name())).toList();
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot create topics on " + bootstrap + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        process.stop(Duration.ofSeconds(20));
    }

    private static KafkaBroker start(Workspace ws, Path config, Properties ports, boolean kept) {
        String bootstrap = "127.0.0.1:" + ports.getProperty("broker.port");
        ChildProcess p = ChildProcess.start("kafka", jvm(ws, "kafka.Kafka", config.toString()), ws.repo(), Map.of(),
                ws.log("kafka"));
        KafkaBroker broker = new KafkaBroker(p, bootstrap, kept);
        try {
            broker.awaitReady(Duration.ofSeconds(90));
        } catch (RuntimeException e) {
            broker.close();
            if (!kept) {
                throw e;
            }
            String why = p.lastProblem();
            throw new IllegalStateException("the Kafka broker did not start on the data kept in " + ws.kafka()
                    + (why.isEmpty() ? "" : " (" + why + ")") + "; see " + p.log() + ", or "
                    + Workspace.START_FRESH, e);
        }
        return broker;
    }

    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000,
                AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200))) {
            while (true) {
                process.requireAlive();
                try {
                    if (!admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (Exception notYet) {
                    // The broker is still starting.
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Kafka broker not ready after " + timeout.toSeconds()
                            + " s; see " + process.log());
                }
                sleep(200);
            }
        }
    }

    private static void format(Workspace ws, Path config) {
        List<String> cmd = jvm(ws, "kafka.tools.StorageTool", "format", "-t", Uuid.randomUuid().toString(),
                "-c", config.toString(), "--standalone");
        ChildProcess p = ChildProcess.start("kafka-format", cmd, ws.repo(), Map.of(), ws.log("kafka-format"));
        try {
            int code = p.waitFor(Duration.ofSeconds(60));
            if (code != 0) {
                throw new IllegalStateException("formatting Kafka storage failed (exit " + code + "):\n" + p.tail(20));
            }
        } finally {
            p.stop(Duration.ofSeconds(1));
        }
    }

    private static List<String> jvm(Workspace ws, String mainClass, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Java.executable(), HEAP, "-Xms64m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-Djava.awt.headless=true",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
                "-Dorg.slf4j.simpleLogger.log.org.apache.kafka.clients=warn",
                "-Dorg.slf4j.simpleLogger.showDateTime=true",
                "-cp", ws.classpath(), mainClass));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static Path writeServerProperties(Path dir, Properties ports) {
        String broker = ports.getProperty("broker.port");
        String controller = ports.getProperty("controller.port");
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + broker + ",CONTROLLER://127.0.0.1:" + controller);
        p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + broker);
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("controller.quorum.bootstrap.servers", "127.0.0.1:" + controller);
        p.setProperty("log.dirs", dir.resolve("data").toString());
        p.setProperty("num.partitions", "1");
        // One node: every internal topic has one replica, and few partitions so startup stays quick.
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("offsets.topic.num.partitions", "4");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("transaction.state.log.num.partitions", "4");
        p.setProperty("share.coordinator.state.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        // The largest record any topic takes: a dead letter (see Topics for how the limits relate).
        p.setProperty("message.max.bytes", Integer.toString(Topics.MAX_DEAD_LETTER_BYTES));
        p.setProperty("replica.fetch.max.bytes", Integer.toString(Topics.MAX_DEAD_LETTER_BYTES));
        Path file = dir.resolve("server.properties");
        store(p, file);
        return file;
    }

    private static void store(Properties p, Path file) {
        try (Writer w = Files.newBufferedWriter(file)) {
            p.store(w, "written by discover run");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static Properties load(Path file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return p;
    }

    public static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
