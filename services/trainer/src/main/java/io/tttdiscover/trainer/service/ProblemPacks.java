package io.tttdiscover.trainer.service;

import io.tttdiscover.protocol.pack.ProblemPack;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The problem packs of {@code discover.problems-dir}, each loaded once. */
@ApplicationScoped
public class ProblemPacks {

    @ConfigProperty(name = "discover.problems-dir", defaultValue = "problems")
    String problemsDir;

    private final Map<String, ProblemPack> loaded = new ConcurrentHashMap<>();

    /** @throws IllegalArgumentException for an unknown problem id */
    public ProblemPack get(String problemId) {
        return loaded.computeIfAbsent(problemId, id -> ProblemPack.load(Path.of(problemsDir), id));
    }
}
