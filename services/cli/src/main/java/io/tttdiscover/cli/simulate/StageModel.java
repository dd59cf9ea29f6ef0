package io.tttdiscover.cli.simulate;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Recorded GPU measurements as a model of a program's time: per stage, a table from the program's choices for the
 * stage's keys (alternative names joined by "|", "*" for any) to one time per benchmark, or null where such a program
 * fails. Fields beyond these are ignored. {@link ScoreOracle} says how a program is scored from it.
 *
 * @param target the device the measurements were taken on; only alternatives that run there are sampled
 * @param noise  optional measurement spread, null for none
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record StageModel(String problem, String target, String unit, String machine, List<String> benchmarks,
                         List<Stage> stages, Noise noise) {

    /** A part of the program's time, decided by the decisions named in {@code keys}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Stage(String name, List<String> keys, Map<String, List<Double>> table) {
    }

    /** Multiplicative lognormal noise on every evaluation, with this relative standard deviation. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Noise(@JsonProperty("relative_sd") double relativeSd) {
    }

    /** The same model with another measurement spread (null for none). */
    public StageModel withNoise(Noise spread) {
        return new StageModel(problem, target, unit, machine, benchmarks, stages, spread);
    }

    public static StageModel read(Path file) {
        try {
            return new ObjectMapper().readValue(file.toFile(), StageModel.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the stage model " + file + ": " + e.getMessage(), e);
        }
    }
}
