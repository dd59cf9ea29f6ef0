package io.tttdiscover.protocol.pack;

import java.nio.file.Path;
import java.util.Map;
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

    /** @throws IllegalArgumentException when the directory holds no such pack */
    public ProblemPack get(String problemId) {
        return packs.computeIfAbsent(problemId, id -> ProblemPack.load(problemsDir, id));
    }
}
