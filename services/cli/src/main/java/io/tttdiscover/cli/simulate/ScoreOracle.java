package io.tttdiscover.cli.simulate;

import io.tttdiscover.protocol.pack.Choosable;
import io.tttdiscover.protocol.pack.Decision;
import io.tttdiscover.protocol.pack.ProgramSpace;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Scores a program of a program space from a {@link StageModel}, in place of a GPU. A program's time on benchmark b
 * is the sum over stages of the row its choices match (alternative names of the stage's keys joined by "|"; "*"
 * matches any alternative; the row with the fewest "*" wins, two such rows are an error); a matched null row means the
 * program fails. Its score is the geometric mean of those per-benchmark times.
 *
 * <p>Built for the model's target: only the alternatives that run there count, and every such program must be
 * covered (checked up front, so a gap in the model fails before a simulation starts, naming the stage and key).
 * Not thread-safe: it caches each stage's matches.
 */
public final class ScoreOracle {
    private static final String ANY = "*";

    private final StageModel model;
    private final ProgramSpace space;
    private final Choosable choosable;
    private final List<BoundStage> stages;
    private final double noiseSigma;

    private ScoreOracle(StageModel model, ProgramSpace space, List<BoundStage> stages) {
        this.model = model;
        this.space = space;
        this.choosable = space.choosable(model.target());
        this.stages = stages;
        double sd = model.noise() == null ? 0.0 : model.noise().relativeSd();
        // a lognormal factor exp(sigma Z) has relative standard deviation sqrt(exp(sigma^2) - 1) = sd
        this.noiseSigma = Math.sqrt(Math.log1p(sd * sd));
    }

    /**
     * @throws IllegalArgumentException naming what in the model does not fit the program space, or the first stage
     *                                  and key a program of the target has no row for
     */
    public static ScoreOracle of(StageModel model, ProgramSpace space) {
        require(model.target() != null && !model.target().isBlank(), "the model names no target");
        require(model.benchmarks() != null && !model.benchmarks().isEmpty(), "the model lists no benchmarks");
        require(model.stages() != null && !model.stages().isEmpty(), "the model has no stages");
        require(model.noise() == null || (Double.isFinite(model.noise().relativeSd())
                && model.noise().relativeSd() >= 0), "noise.relative_sd must be a number >= 0");
        List<BoundStage> bound = new ArrayList<>();
        for (StageModel.Stage stage : model.stages()) {
            bound.add(BoundStage.of(stage, space, model.benchmarks().size()));
        }
        ScoreOracle oracle = new ScoreOracle(model, space, bound);
        for (BoundStage stage : bound) {
            stage.checkCovers(oracle.available());
        }
        return oracle;
    }

    public StageModel model() {
        return model;
    }

    public ProgramSpace space() {
        return space;
    }

    /** Per decision, the alternatives that run on the model's target. */
    public List<boolean[]> available() {
        return choosable.available();
    }

    /** The available alternatives and when each decision is active, on the model's target. */
    public Choosable choosable() {
        return choosable;
    }

    /** The decisions some stage's keys name, in the space's order: the only ones that change a score. */
    public List<Integer> scoredDecisions() {
        Set<Integer> named = new LinkedHashSet<>();
        stages.forEach(s -> Arrays.stream(s.decisions).forEach(named::add));
        return named.stream().sorted().toList();
    }

    /** The program's noise-free score, null when it fails. */
    public Double score(List<Integer> choices) {
        int benchmarks = model.benchmarks().size();
        double[] totals = new double[benchmarks];
        for (BoundStage stage : stages) {
            double[] row = stage.row(choices);
            if (row == null) {
                return null;
            }
            for (int b = 0; b < benchmarks; b++) {
                totals[b] += row[b];
            }
        }
        return geomean(totals, () -> space.describe(choices));
    }

    /** One measurement of a score: the score times a lognormal factor drawn from {@code rng} (1 without noise). */
    public double measure(double score, Random rng) {
        return noiseSigma == 0 ? score : score * Math.exp(noiseSigma * rng.nextGaussian());
    }

    /**
     * The rows of each stage that programs agreeing with {@code partial} (-1 = not chosen yet) on its keys may match,
     * as per-benchmark minima over the non-null ones; null when every such row is null (every completion fails).
     */
    double[] lowerBound(int[] partial) {
        double[] totals = new double[model.benchmarks().size()];
        for (BoundStage stage : stages) {
            double[] min = stage.minimum(partial, available());
            if (min == null) {
                return null;
            }
            for (int b = 0; b < totals.length; b++) {
                totals[b] += min[b];
            }
        }
        return totals;
    }

    static double geomean(double[] totals, Supplier<String> program) {
        double logs = 0;
        for (int b = 0; b < totals.length; b++) {
            if (!(totals[b] > 0)) {
                throw new IllegalArgumentException("the model gives " + program.get() + " a time of " + totals[b]
                        + " on benchmark " + b + "; times must add up to more than 0");
            }
            logs += Math.log(totals[b]);
        }
        return Math.exp(logs / totals.length);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** A stage with its keys resolved to decisions and its rows to alternative indexes (-1 for "*"). */
    private static final class BoundStage {
        final String name;
        final String keyNames;
        final int[] decisions;
        final List<Row> rows;
        final ProgramSpace space;
        final Map<Long, Row> matches = new HashMap<>();

        private BoundStage(String name, String keyNames, int[] decisions, List<Row> rows, ProgramSpace space) {
            this.name = name;
            this.keyNames = keyNames;
            this.decisions = decisions;
            this.rows = rows;
            this.space = space;
        }

        record Row(String key, int[] pattern, int wildcards, double[] times) {
        }

        static BoundStage of(StageModel.Stage stage, ProgramSpace space, int benchmarks) {
            String name = stage.name() == null ? "(unnamed)" : stage.name();
            require(stage.keys() != null && !stage.keys().isEmpty(), "stage " + name + " has no keys");
            require(stage.table() != null && !stage.table().isEmpty(), "stage " + name + " has an empty table");
            List<String> decisionNames = space.decisions().stream().map(Decision::name).toList();
            int[] decisions = new int[stage.keys().size()];
            for (int k = 0; k < decisions.length; k++) {
                decisions[k] = decisionNames.indexOf(stage.keys().get(k));
                require(decisions[k] >= 0, "stage " + name + ": key " + stage.keys().get(k)
                        + " is not a decision of the program space (" + String.join(", ", decisionNames) + ")");
            }
            List<Row> rows = new ArrayList<>();
            for (Map.Entry<String, List<Double>> e : stage.table().entrySet()) {
                String[] parts = e.getKey().split("\\|", -1);
                require(parts.length == decisions.length, "stage " + name + ": row " + e.getKey() + " has "
                        + parts.length + " part(s), the keys " + stage.keys() + " need " + decisions.length);
                int[] pattern = new int[parts.length];
                int wildcards = 0;
                for (int k = 0; k < parts.length; k++) {
                    if (ANY.equals(parts[k])) {
                        pattern[k] = -1;
                        wildcards++;
                    } else {
                        Decision d = space.decisions().get(decisions[k]);
                        pattern[k] = alternativeIndex(d, parts[k]);
                        require(pattern[k] >= 0, "stage " + name + ": row " + e.getKey() + " names " + parts[k]
                                + ", not an alternative of " + d.name() + " (" + d.alternatives().stream()
                                .map(a -> a.name()).collect(Collectors.joining(", ")) + ")");
                    }
                }
                rows.add(new Row(e.getKey(), pattern, wildcards, times(name, e.getKey(), e.getValue(), benchmarks)));
            }
            return new BoundStage(name, String.join("|", stage.keys()), decisions, rows, space);
        }

        private static int alternativeIndex(Decision d, String alternative) {
            for (int a = 0; a < d.size(); a++) {
                if (d.alternatives().get(a).name().equals(alternative)) {
                    return a;
                }
            }
            return -1;
        }

        private static double[] times(String stage, String key, List<Double> values, int benchmarks) {
            if (values == null) {
                return null;
            }
            require(values.size() == benchmarks, "stage " + stage + ": row " + key + " has " + values.size()
                    + " times, the model lists " + benchmarks + " benchmarks");
            double[] out = new double[benchmarks];
            for (int b = 0; b < benchmarks; b++) {
                require(values.get(b) != null && Double.isFinite(values.get(b)), "stage " + stage + ": row " + key
                        + " has a time that is not a number (" + values.get(b) + ")");
                out[b] = values.get(b);
            }
            return out;
        }

        /** The row of a program's choices for this stage's keys: its times, or null if it fails. */
        double[] row(List<Integer> choices) {
            int[] combo = new int[decisions.length];
            for (int k = 0; k < combo.length; k++) {
                combo[k] = choices.get(decisions[k]);
            }
            return match(combo).times();
        }

        private Row match(int[] combo) {
            return matches.computeIfAbsent(code(combo), c -> resolve(combo));
        }

        private long code(int[] combo) {
            long c = 0;
            for (int k = 0; k < combo.length; k++) {
                c = c * space.decisions().get(decisions[k]).size() + combo[k];
            }
            return c;
        }

        private Row resolve(int[] combo) {
            Row best = null;
            Row tied = null;
            for (Row row : rows) {
                if (!matches(row.pattern(), combo)) {
                    continue;
                }
                if (best == null || row.wildcards() < best.wildcards()) {
                    best = row;
                    tied = null;
                } else if (row.wildcards() == best.wildcards()) {
                    tied = row;
                }
            }
            if (best == null) {
                throw new IllegalArgumentException("the model does not cover the program: stage " + name
                        + " has no row for " + keyNames + " = " + names(combo));
            }
            if (tied != null) {
                throw new IllegalArgumentException("stage " + name + ": rows " + best.key() + " and " + tied.key()
                        + " both match " + names(combo) + " equally specifically");
            }
            return best;
        }

        private static boolean matches(int[] pattern, int[] combo) {
            for (int k = 0; k < pattern.length; k++) {
                if (pattern[k] >= 0 && pattern[k] != combo[k]) {
                    return false;
                }
            }
            return true;
        }

        private String names(int[] combo) {
            List<String> out = new ArrayList<>();
            for (int k = 0; k < combo.length; k++) {
                out.add(space.decisions().get(decisions[k]).alternatives().get(combo[k]).name());
            }
            return String.join("|", out);
        }

        /** Resolves every combination of the target's alternatives for this stage's keys, so a gap fails now. */
        void checkCovers(List<boolean[]> available) {
            forEachCombo(new int[decisions.length], 0, available, null, this::match);
        }

        /** Per-benchmark minima over the non-null rows matched by combinations agreeing with a partial program. */
        double[] minimum(int[] partial, List<boolean[]> available) {
            double[][] min = {null};
            forEachCombo(new int[decisions.length], 0, available, partial, combo -> {
                double[] times = match(combo).times();
                if (times == null) {
                    return;
                }
                if (min[0] == null) {
                    min[0] = times.clone();
                } else {
                    for (int b = 0; b < times.length; b++) {
                        min[0][b] = Math.min(min[0][b], times[b]);
                    }
                }
            });
            return min[0];
        }

        private void forEachCombo(int[] combo, int k, List<boolean[]> available, int[] partial,
                                  Consumer<int[]> action) {
            if (k == combo.length) {
                action.accept(combo);
                return;
            }
            int fixed = partial == null ? -1 : partial[decisions[k]];
            boolean[] mask = available.get(decisions[k]);
            for (int a = 0; a < mask.length; a++) {
                if (mask[a] && (fixed < 0 || fixed == a)) {
                    combo[k] = a;
                    forEachCombo(combo, k + 1, available, partial, action);
                }
            }
        }
    }
}
