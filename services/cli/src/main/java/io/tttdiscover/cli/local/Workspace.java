package io.tttdiscover.cli.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Where a local run keeps its state: {@code <repo>/.discover} (git-ignored). Logs in {@code logs/}, the broker's data
 * in {@code kafka/}, the database in {@code pg/} (see {@link EmbeddedPostgres} for where it goes under root); broker
 * data and database are kept from one run to the next.
 */
public record Workspace(Path repo, Path root) {
    /** What to do when the data earlier runs kept cannot be used: the end of a one-line failure. */
    public static final String START_FRESH = "start from scratch with ./discover run --fresh (the earlier runs' data "
            + "is lost)";

    public static Workspace of(Path repo) {
        Path abs = repo.toAbsolutePath().normalize();
        return new Workspace(abs, abs.resolve(".discover"));
    }

    /** The repository root: {@code -Ddiscover.home} (set by the launcher), else the working directory. */
    public static Workspace current() {
        return of(Path.of(System.getProperty("discover.home", System.getProperty("user.dir"))));
    }

    public Path logs() {
        return dir(root.resolve("logs"));
    }

    public Path log(String name) {
        return logs().resolve(name + ".log");
    }

    public Path kafka() {
        return root.resolve("kafka");
    }

    public Path problems() {
        return repo.resolve("problems");
    }

    public Path serviceJar(String service) {
        return repo.resolve("services").resolve(service).resolve("target/quarkus-app/quarkus-run.jar");
    }

    /**
     * The CLI's runtime classpath (lib folder + jar), which also carries the Kafka broker: {@code
     * -Ddiscover.classpath} where the JVM's own is not that (tests), else the JVM's.
     */
    public String classpath() {
        return System.getProperty("discover.classpath", System.getProperty("java.class.path"));
    }

    public static Path dir(Path dir) {
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }

    public static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }
}
