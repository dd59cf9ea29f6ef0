package io.tttdiscover.trainer.service;

import io.tttdiscover.protocol.pack.ProblemPack;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/** The problem packs of {@code discover.problems-dir} (the one place that reads it), each loaded once. */
@ApplicationScoped
public class ProblemPacks {
    private static final Logger LOG = Logger.getLogger(ProblemPacks.class);

    @ConfigProperty(name = "discover.problems-dir", defaultValue = "problems")
    String problemsDir;

    private final Map<String, ProblemPack> loaded = new ConcurrentHashMap<>();

    /** The pack of a problem id; empty for an id that names no pack (or no safe folder name). */
    public Optional<ProblemPack> find(String id) {
        return ids().contains(id) ? Optional.of(get(id)) : Optional.empty();
    }

    /** @throws IllegalArgumentException for an unknown problem id */
    public ProblemPack get(String problemId) {
        return loaded.computeIfAbsent(problemId, id -> ProblemPack.load(Path.of(problemsDir), id));
    }

    /** The ids of the packs in the problems directory, sorted. */
    public List<String> ids() {
        try (Stream<Path> dirs = Files.list(Path.of(problemsDir))) {
            return dirs.filter(d -> Files.isRegularFile(d.resolve("pack.yml")))
                    .map(d -> d.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            LOG.errorf(e, "cannot list the problems directory %s", problemsDir);
            return List.of();
        }
    }
}
