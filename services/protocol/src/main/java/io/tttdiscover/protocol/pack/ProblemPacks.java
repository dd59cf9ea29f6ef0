package io.tttdiscover.protocol.pack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.concurrent.ConcurrentHashMap;

/** The packs under one problems directory, each loaded (and its program space parsed) once. Thread-safe. */
public final class ProblemPacks {
    private final Path problemsDir;
    private final Map<String, ProblemPack> packs = new ConcurrentHashMap<>();

    public ProblemPacks(Path problemsDir) {
        this.problemsDir = problemsDir;
    }

    public Path problemsDir() {
        return problemsDir;
    }

    /** The ids of the packs in the directory: its folders that hold a pack.yml, sorted. */
    public List<String> ids() {
        try (Stream<Path> dirs = Files.list(problemsDir)) {
            return dirs.filter(d -> Files.isRegularFile(d.resolve("pack.yml")))
                    .map(d -> d.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list problem packs in " + problemsDir, e);
        }
    }

    /** @throws IllegalArgumentException when the directory holds no such pack */
    public ProblemPack get(String problemId) {
        return packs.computeIfAbsent(problemId, id -> ProblemPack.load(problemsDir, id));
    }
}
