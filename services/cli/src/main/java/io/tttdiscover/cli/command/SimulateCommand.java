package io.tttdiscover.cli.command;

import io.tttdiscover.cli.local.Workspace;
import io.tttdiscover.cli.simulate.GreedySearch;
import io.tttdiscover.cli.simulate.Optimum;
import io.tttdiscover.cli.simulate.PolicySearch;
import io.tttdiscover.cli.simulate.RandomSearch;
import io.tttdiscover.cli.simulate.ScoreOracle;
import io.tttdiscover.cli.simulate.SearchStrategy;
import io.tttdiscover.cli.simulate.Simulation;
import io.tttdiscover.cli.simulate.SimulationReport;
import io.tttdiscover.cli.simulate.StageModel;
import io.tttdiscover.protocol.pack.ProblemPack;
import io.tttdiscover.protocol.pack.ProgramSpace;
import io.tttdiscover.protocol.pack.ScoreOrder;
import io.tttdiscover.trainer.service.RunConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

@Command(name = "simulate", description = {
        "Discovery without a GPU: does the embedded RL policy (PUCT reuse, entropic objective) reach a score in fewer "
                + "evaluations than uniform random search and greedy per-decision search?",
        "Every strategy searches the pack's program space with the same budget of evaluations, scored by a stage "
                + "model of recorded GPU times (--model, JSON: per stage, a time per benchmark for the choices of its "
                + "keys); rl is the product's own loop (PUCT, the sampler's policy, the trainer's step, the run "
                + "defaults) with the evaluator replaced by the model. Prints a table and writes it as JSON (--out)."})
public final class SimulateCommand implements Runnable {
    private static final List<String> STRATEGIES = List.of("rl", "random", "greedy");

    @Option(names = "--model", required = true, description = "the stage model (JSON)")
    Path model;
    @Option(names = "--problem", description = "problem pack (default: the model's problem)")
    String problem;
    @Option(names = "--problems", description = "folder of problem packs (default: problems/ of the installation)")
    Path problems;
    @Option(names = "--seeds", defaultValue = "5", description = "seeds per strategy (${DEFAULT-VALUE})")
    int seeds;
    @Option(names = "--first-seed", defaultValue = "0", description = "(${DEFAULT-VALUE})")
    long firstSeed;
    @Option(names = "--budget", description = "evaluations per search (default: a default run's, steps x groups x "
            + "group size); rl runs as many steps as the budget holds")
    Integer budget;
    @Option(names = "--strategies", split = ",", description = "some of rl, random, greedy (default: all)")
    List<String> strategies;
    @Option(names = "--groups", description = "rl: groups per step (default: the run default)")
    Integer groups;
    @Option(names = "--group-size", description = "rl: samples per group (default: the run default)")
    Integer groupSize;
    @Option(names = "--learning-rate", description = "rl (default: the embedded backend's)")
    Double learningRate;
    @Option(names = "--kl-coef", description = "rl (default: the run default)")
    Double klCoef;
    @Option(names = "--advantage", description = "rl: entropic-adaptive, entropic or mean (default: the run default)")
    String advantage;
    @Option(names = "--within", defaultValue = "0.05", description = "the target: a score at most (1 + within) x the "
            + "best (${DEFAULT-VALUE})")
    double within;
    @Option(names = "--noise", description = "relative standard deviation of each measurement (multiplicative "
            + "lognormal), replacing the model's own (e.g. 0.02; GPU-bound TriMul kernels repeat within ~1 %, "
            + "launch-bound ones spread 5-8 % on the lent machines)")
    Double noise;
    @Option(names = "--out", description = "the JSON report (default: .discover/simulate/<problem>-<target>.json)")
    Path out;

    @Override
    public void run() {
        if (seeds < 1) {
            throw new IllegalArgumentException("--seeds must be at least 1");
        }
        if (!(within >= 0)) {
            throw new IllegalArgumentException("--within must be >= 0");
        }
        if (noise != null && !(noise >= 0 && Double.isFinite(noise))) {
            throw new IllegalArgumentException("--noise must be a finite number >= 0");
        }
        StageModel stages = StageModel.read(model);
        if (noise != null) {
            stages = stages.withNoise(noise == 0 ? null : new StageModel.Noise(noise));
        }
        ProblemPack pack = pack(stages);
        ProgramSpace space = pack.programSpace();
        ScoreOracle oracle = ScoreOracle.of(stages, space);

        RunConfig defaults = settings(pack.id(), stages.target(), null);
        int perStep = defaults.groupsPerBatch() * defaults.groupSize();
        int evaluations = budget != null ? budget : defaults.steps() * perStep;
        if (evaluations < 1) {
            throw new IllegalArgumentException("--budget must be at least 1");
        }
        RunConfig config = settings(pack.id(), stages.target(), (evaluations + perStep - 1) / perStep);

        Optimum best = Optimum.find(oracle);
        double target = best.score() * (1 + within);
        List<Long> seedList = LongStream.range(firstSeed, firstSeed + seeds).boxed().toList();
        List<Simulation.StrategyResult> results = new ArrayList<>();
        for (SearchStrategy strategy : strategies(pack, oracle, config)) {
            System.err.printf("%s: %d seeds x %d evaluations%n", strategy.name(), seeds, evaluations);
            results.add(Simulation.run(strategy, seedList, evaluations, target));
        }

        List<Integer> scored = oracle.scoredDecisions();
        List<String> unscored = IntStream.range(0, space.size()).filter(d -> !scored.contains(d))
                .mapToObj(d -> space.decisions().get(d).name()).toList();
        SimulationReport.RlSettings rl = new SimulationReport.RlSettings(config.steps(), config.groupsPerBatch(),
                config.groupSize(), config.learningRate(), config.klCoef(), config.advantage());
        SimulationReport report = new SimulationReport(pack.id(), stages.target(),
                stages.unit() != null ? stages.unit() : pack.scoreUnit(), model.toString(), stages.machine(),
                stages.benchmarks().size(), stages.noise() == null ? null : stages.noise().relativeSd(), evaluations,
                seedList, rl, best.programs(), space.size(), unscored, best.score(), space.describe(best.choices()),
                best.method(), within, target, SimulationReport.COUNTING, results);
        System.out.println();
        report.print(System.out);
        Path file = out != null ? out : Workspace.current().root().resolve("simulate")
                .resolve(pack.id() + "-" + stages.target() + ".json");
        report.write(file);
        System.out.println();
        System.out.println("written to " + file);
    }

    private ProblemPack pack(StageModel stages) {
        String id = problem != null ? problem : stages.problem();
        if (id == null) {
            throw new IllegalArgumentException("the model names no problem: give --problem");
        }
        if (stages.problem() != null && !stages.problem().equals(id)) {
            throw new IllegalArgumentException("the model is of problem " + stages.problem() + ", not " + id);
        }
        ProblemPack pack = ProblemPack.load(problems != null ? problems : Workspace.current().problems(), id);
        if (!pack.hasProgramSpace()) {
            throw new IllegalArgumentException("problem " + id + " declares no program space");
        }
        if (pack.scoreOrder() != ScoreOrder.LOWER_IS_BETTER) {
            throw new IllegalArgumentException("problem " + id + " scores higher-is-better; a stage model adds up "
                    + "times, so it models only a runtime");
        }
        if (stages.unit() != null && !stages.unit().equals(pack.scoreUnit())) {
            throw new IllegalArgumentException("the model's unit " + stages.unit() + " is not the score unit of "
                    + id + " (" + pack.scoreUnit() + "), which its reward is computed in");
        }
        return pack;
    }

    /** The run's settings: the trainer's defaults with this command's overrides and the model's target. */
    RunConfig settings(String problemId, String target, Integer steps) {
        return RunConfig.withDefaults(problemId, steps, groups, groupSize, target, null, learningRate, klCoef,
                advantage, null, null, null, null, null);
    }

    private List<SearchStrategy> strategies(ProblemPack pack, ScoreOracle oracle, RunConfig config) {
        List<String> names = strategies == null || strategies.isEmpty() ? STRATEGIES : strategies;
        List<SearchStrategy> out = new ArrayList<>();
        for (String name : names) {
            out.add(switch (name) {
                case "rl" -> new PolicySearch(pack, oracle, config);
                case "random" -> new RandomSearch(oracle);
                case "greedy" -> new GreedySearch(oracle);
                default -> throw new IllegalArgumentException("unknown strategy " + name + " (known: "
                        + String.join(", ", STRATEGIES) + ")");
            });
        }
        return out;
    }
}
