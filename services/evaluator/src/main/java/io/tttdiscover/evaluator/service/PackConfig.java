package io.tttdiscover.evaluator.service;

import io.tttdiscover.protocol.pack.ProblemPacks;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.nio.file.Path;

/** The problem packs this service reads, from {@code discover.problems-dir}. */
public class PackConfig {

    @Produces
    @Singleton
    ProblemPacks problemPacks(@ConfigProperty(name = "discover.problems-dir", defaultValue = "problems") Path dir) {
        return new ProblemPacks(dir);
    }
}
