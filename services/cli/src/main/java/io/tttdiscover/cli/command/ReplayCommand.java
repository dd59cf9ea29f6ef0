package io.tttdiscover.cli.command;

import io.tttdiscover.cli.local.LocalStack;
import io.tttdiscover.cli.local.PythonEnvironment;
import io.tttdiscover.cli.local.StackOptions;
import io.tttdiscover.cli.local.Workspace;
import io.tttdiscover.cli.report.CheckpointLog;
import io.tttdiscover.cli.report.ExperienceMetrics;
import io.tttdiscover.cli.report.PipelineFigures;
import io.tttdiscover.cli.report.RewardLog;
import io.tttdiscover.cli.report.StepTable;
import io.tttdiscover.cli.report.TopicReader;
import io.tttdiscover.cli.trainer.TrainerClient;
import io.tttdiscover.protocol.event.CheckpointEvent;
import io.tttdiscover.protocol.event.StepMetrics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "replay", description = {
        "Replays a run from its recorded experience (the rewards topic), which is all it needs:",
        "  (default) rebuilds its per-step metrics and compares them with what the trainer recorded in checkpoints;",
        "  --retrain: a new run trains a policy on the recorded rewards, step by step (with the training settings "
                + "given here), and is compared with the recorded policy;",
        "  --rescore: the recorded candidates are evaluated again by the evaluators running now, and the report "
                + "says how rewards and the best program change.",
        "Without --bootstrap-servers: the metrics replay restarts the broker of the last local run from "
                + ".discover/kafka; --retrain and --rescore start the local stack on the data it kept. With it, "
                + "--retrain and --rescore ask the trainer at --trainer."})
public final class ReplayCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "RUN_ID")
    String runId;
    @Option(names = "--bootstrap-servers", description = "read from this Kafka cluster")
    String bootstrap;
    @Option(names = "--from-offset", description = "start at this offset of the run's rewards (its partition)")
    Long fromOffset;
    @Option(names = "--from-time", description = "start at the first reward at or after this time (ISO-8601 or "
            + "epoch ms)")
    String fromTime;
    @Option(names = "--retrain", description = "train a new run's policy on the recorded rewards and compare")
    boolean retrain;
    @Option(names = "--rescore", description = "evaluate the recorded candidates again and compare")
    boolean rescore;
    @Mixin
    TrainerOption trainer;
    @Mixin
    ReplayTraining training;
    @Option(names = "--evaluators", defaultValue = "1", description = "--retrain/--rescore on the local stack: "
            + "evaluator replicas, one consumer group (on CUDA replica i on GPU i-1) (${DEFAULT-VALUE})")
    int evaluators;
    @Option(names = "--workers", description = "--retrain/--rescore on the local stack: worker processes per "
            + "evaluator (default: the evaluator's own)")
    Integer workers;
    @Option(names = "--rows", defaultValue = "20", description = "--rescore: changed candidates listed "
            + "(${DEFAULT-VALUE})")
    int rows;

    @Override
    public Integer call() {
        TopicReader.Start start = new TopicReader.Start(fromOffset, fromTime == null ? null : parseTime(fromTime));
        if (retrain && rescore) {
            System.err.println("--retrain or --rescore: one replay run at a time");
            return 2;
        }
        if (retrain || rescore) {
            Long fromTimeMs = start.timestampMs();
            TrainerReplay replay = new TrainerReplay(runId, retrain, fromOffset, fromTimeMs, training, rows);
            if (bootstrap != null) {
                return replay.run(trainer.client(), bootstrap, Workspace.current().problems());
            }
            Optional<String> device = PythonEnvironment.ensure(Workspace.current().log("apt"), System.out);
            if (device.isEmpty()) {
                return 2;
            }
            try (LocalStack stack = LocalStack.open(Workspace.current(), System.out::println)) {
                StackOptions options = new StackOptions(null, workers, evaluators, Map.of(),
                        RunCommand.replicaGpus(device.get(), evaluators, device.get()));
                stack.startInfrastructure(options, System.out::println);
                stack.startServices(options, System.out::println);
                return replay.run(new TrainerClient(stack.service("trainer").url()), stack.bootstrapServers(),
                        Workspace.current().problems());
            }
        }
        if (bootstrap != null) {
            return replay(bootstrap, start);
        }
        try (LocalStack stack = LocalStack.open(Workspace.current(), System.out::println)) {
            String servers = stack.restartBroker();
            System.out.println("started the last local run's broker at " + servers);
            return replay(servers, start);
        }
    }

    private int replay(String servers, TopicReader.Start start) {
        RewardLog log = RewardLog.read(servers, runId, start);
        if (log.size() == 0) {
            System.out.println("no rewards of run " + runId + " on " + servers);
            return 1;
        }
        List<StepMetrics> rebuilt = ExperienceMetrics.rebuild(log.rewards());
        System.out.printf(Locale.ROOT, "run %s: %d rewards replayed (%d redelivered, %d malformed skipped)%n%n",
                runId, log.size(), log.duplicates(), log.malformed());
        System.out.print(StepTable.render(rebuilt));
        long first = log.rewards().stream().filter(r -> r.timings() != null)
                .mapToLong(r -> r.timings().candidateCreatedAtMs()).min().orElse(0);
        long last = log.rewards().stream().filter(r -> r.timings() != null)
                .mapToLong(r -> r.timings().evalFinishedAtMs()).max().orElse(0);
        PipelineFigures f = PipelineFigures.of(log.rewards(), last - first);
        System.out.printf(Locale.ROOT, "%nqueue latency median %.0f ms, evaluation median %.0f ms, evaluator busy "
                + "%.0f%% of %.1f s%n", f.medianQueueMs(), f.medianEvalMs(), 100 * f.busyFraction(),
                (last - first) / 1e3);
        compareWithRecorded(servers, rebuilt);
        return 0;
    }

    /** The trainer's own StepMetrics travel in checkpoints; those compaction kept can be checked against. */
    private void compareWithRecorded(String servers, List<StepMetrics> rebuilt) {
        Map<Integer, StepMetrics> recorded = new HashMap<>();
        for (CheckpointEvent c : CheckpointLog.read(servers, runId)) {
            if (c.metrics() != null) {
                recorded.put(c.metrics().step(), c.metrics());
            }
        }
        if (recorded.isEmpty()) {
            System.out.println("no recorded step metrics left on the checkpoints topic to compare with");
            return;
        }
        int compared = 0;
        int matching = 0;
        for (StepMetrics r : rebuilt) {
            StepMetrics t = recorded.get(r.step());
            if (t == null) {
                continue;
            }
            compared++;
            boolean same = r.samples() == t.samples() && close(r.rewardMax(), t.rewardMax())
                    && close(r.rewardMean(), t.rewardMean()) && Objects.equals(round(r.bestRuntimeUs()),
                    round(t.bestRuntimeUs()));
            if (same) {
                matching++;
            } else {
                System.out.printf(Locale.ROOT, "step %d differs: replayed n=%d max=%.4f mean=%.4f best=%s, "
                                + "recorded n=%d max=%.4f mean=%.4f best=%s%n", r.step(), r.samples(), r.rewardMax(),
                        r.rewardMean(), r.bestRuntimeUs(), t.samples(), t.rewardMax(), t.rewardMean(),
                        t.bestRuntimeUs());
            }
        }
        System.out.printf(Locale.ROOT, "replayed metrics match the trainer's recorded ones for %d of %d steps still "
                + "on the checkpoints topic%n", matching, compared);
    }

    private static boolean close(double a, double b) {
        return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
    }

    private static Long round(Double v) {
        return v == null ? null : Math.round(v * 1000);
    }

    static long parseTime(String t) {
        return t.chars().allMatch(Character::isDigit) ? Long.parseLong(t) : Instant.parse(t).toEpochMilli();
    }
}
