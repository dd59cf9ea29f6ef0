package io.tttdiscover.cli.command;

import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.Map;

/** The training settings of a re-train (each absent one: the trainer's default, as for a new run). */
final class ReplayTraining {
    @Option(names = "--learning-rate", description = "--retrain: learning rate")
    Double learningRate;
    @Option(names = "--advantage", description = "--retrain: entropic-adaptive, entropic or mean")
    String advantage;
    @Option(names = "--kl-coef", description = "--retrain: KL coefficient")
    Double klCoef;
    @Option(names = "--seed", description = "--retrain: seed")
    Long seed;
    @Option(names = "--training-backend", description = "--retrain: training backend (default: the recorded "
            + "candidates' backend)")
    String trainingBackend;
    @Option(names = "--warm-start", description = "--retrain: policy to start from, e.g. embedded:<runId>@<version>")
    String warmStart;

    /** The settings given, as POST /runs names them. */
    Map<String, Object> request() {
        Map<String, Object> body = new LinkedHashMap<>();
        put(body, "learningRate", learningRate);
        put(body, "advantage", advantage);
        put(body, "klCoef", klCoef);
        put(body, "seed", seed);
        put(body, "trainingBackend", trainingBackend);
        put(body, "warmStart", warmStart);
        return body;
    }

    private static void put(Map<String, Object> body, String key, Object value) {
        if (value != null) {
            body.put(key, value);
        }
    }
}
