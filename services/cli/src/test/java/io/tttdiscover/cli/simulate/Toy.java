package io.tttdiscover.cli.simulate;

import io.tttdiscover.protocol.pack.ProblemPack;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/** The simulator tests' toy pack and synthetic models (src/test/resources/simulate). */
final class Toy {
    private Toy() {
    }

    static Path resources() {
        try {
            return Path.of(Toy.class.getResource("/simulate").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static ProblemPack pack() {
        return ProblemPack.load(resources(), "toy");
    }

    /** The additive model: fast, fused, exp and f16 are each the fastest alternative on every benchmark. */
    static StageModel additive() {
        return StageModel.read(resources().resolve("synthetic-additive-model.json"));
    }

    static ScoreOracle additiveOracle() {
        return ScoreOracle.of(additive(), pack().programSpace());
    }

    /** A model of one or more stages, on cuda, with the given benchmarks count and no noise. */
    static StageModel model(int benchmarks, StageModel.Stage... stages) {
        return new StageModel("toy", "cuda", "us", "test", IntStream.range(0, benchmarks)
                .mapToObj(b -> "b" + b).toList(), List.of(stages), null);
    }

    static StageModel.Stage stage(String name, List<String> keys, Map<String, List<Double>> table) {
        return new StageModel.Stage(name, keys, table);
    }

    /** Choices by alternative name, in the toy space's decision order (norm, proj, gate, prec). */
    static List<Integer> program(String norm, String proj, String gate, String prec) {
        var space = pack().programSpace();
        String[] names = {norm, proj, gate, prec};
        return IntStream.range(0, names.length).mapToObj(d -> {
            var alternatives = space.decisions().get(d).alternatives();
            for (int a = 0; a < alternatives.size(); a++) {
                if (alternatives.get(a).name().equals(names[d])) {
                    return a;
                }
            }
            throw new IllegalArgumentException(names[d]);
        }).toList();
    }
}
