package io.tttdiscover.cli.simulate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * What {@code discover simulate} found, as the table it prints and the JSON it writes.
 *
 * @param rl        the rl strategy's run settings
 * @param programs  programs of the space that run on the target
 * @param decisions decisions of the space
 * @param unscored  decisions no stage of the model names: they do not change a score
 * @param within    the target is {@code bestScore * (1 + within)}
 */
public record SimulationReport(String problem, String target, String unit, String model, String machine,
                               int benchmarks, Double noiseRelativeSd, int budget, List<Long> seeds, RlSettings rl,
                               double programs, int decisions, List<String> unscored, double bestScore,
                               String bestProgram, String bestMethod, double within, double targetScore,
                               String counting, List<Simulation.StrategyResult> strategies) {

    /** The run settings the rl strategy searched with: the trainer's defaults unless the command overrode them. */
    public record RlSettings(int steps, int groupsPerBatch, int groupSize, double learningRate, double klCoef,
                             String advantage) {
    }

    /** How evaluations are counted and judged, as the report says it. */
    public static final String COUNTING = "every evaluation counts, a program evaluated again included; reaching the "
            + "target and the best at the budget use each evaluated program's noise-free model score (the searches see "
            + "only measured scores)";

    public void print(PrintStream out) {
        out.printf(Locale.ROOT, "model    %s (%s; %s, %d benchmarks, %s, noise %s)%n", model, machine, target,
                benchmarks, unit, noiseRelativeSd == null ? "none" : "relative sd " + noiseRelativeSd);
        out.printf(Locale.ROOT, "space    %s on %s: %.0f programs; the model's stages name %d of its %d decisions%s%n",
                problem, target, programs, decisions - unscored.size(), decisions,
                unscored.isEmpty() ? "" : " (the others do not change a score: " + String.join(", ", unscored) + ")");
        out.printf(Locale.ROOT, "best     %s %s  %s%n", number(bestScore), unit, bestProgram);
        out.printf(Locale.ROOT, "         %s%n", bestMethod);
        out.printf(Locale.ROOT, "target   <= %s %s (within %s%% of the best)%n", number(targetScore), unit,
                BigDecimal.valueOf(within * 100).stripTrailingZeros().toPlainString());
        out.printf(Locale.ROOT, "budget   %d evaluations per search, %d seeds (%s); rl: %s steps x %s groups x %s "
                        + "samples, learning rate %s, KL %s, %s%n", budget, seeds.size(), seedRange(), rl.steps(),
                rl.groupsPerBatch(), rl.groupSize(), rl.learningRate(), rl.klCoef(), rl.advantage());
        out.printf("         %s%n%n", COUNTING);
        out.printf("%-9s %8s   %-26s   %s%n", "", "", "evaluations to target", "best at budget (" + unit + ")");
        out.printf("%-9s %8s   %8s %8s %8s   %10s %10s %10s%n", "strategy", "reached", "median", "min", "max",
                "median", "min", "max");
        for (Simulation.StrategyResult s : strategies) {
            out.printf("%-9s %8s   %8s %8s %8s   %10s %10s %10s%n", s.strategy(),
                    s.reached() + "/" + s.seeds().size(), evaluations(s.medianEvaluations()),
                    evaluations(s.minEvaluations()), evaluations(s.maxEvaluations()), score(s.medianBest()),
                    score(s.minBest()), score(s.maxBest()));
        }
    }

    public void write(Path file) {
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), this);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private String seedRange() {
        return seeds.size() == 1 ? "seed " + seeds.get(0) : "seeds " + seeds.get(0) + ".." + seeds.get(seeds.size() - 1);
    }

    private static String evaluations(Number n) {
        if (n == null) {
            return "never";
        }
        double v = n.doubleValue();
        return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String score(Double v) {
        return v == null ? "none" : number(v);
    }

    private static String number(double v) {
        return String.format(Locale.ROOT, Math.abs(v) >= 100 ? "%.1f" : "%.4g", v);
    }
}
