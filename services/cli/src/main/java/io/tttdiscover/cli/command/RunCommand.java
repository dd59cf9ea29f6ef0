package io.tttdiscover.cli.command;

import io.tttdiscover.cli.local.LocalStack;
import io.tttdiscover.cli.local.PythonEnvironment;
import io.tttdiscover.cli.local.StackOptions;
import io.tttdiscover.cli.local.Supervisor;
import io.tttdiscover.cli.local.Workspace;
import io.tttdiscover.cli.run.RunOutcome;
import io.tttdiscover.cli.run.RunReport;
import io.tttdiscover.protocol.api.RunRequest;
import io.tttdiscover.cli.run.RunWatcher;
import io.tttdiscover.cli.trainer.TrainerClient;
import io.tttdiscover.protocol.event.MaskSemantics;
import io.tttdiscover.trainer.service.RunConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

@Command(name = "run", description = {
        "Runs TTT-Discover locally: a Kafka broker (KRaft), PostgreSQL and the trainer, sampler and evaluator, each in "
                + "its own process (logs in .discover/logs), then one run of the embedded policy on a problem.",
        "The broker data and the database are kept in .discover for the next run (--fresh starts from scratch); a "
                + "service that dies is restarted (--max-restarts).",
        "Exit code 0 when the run completes."})
public final class RunCommand implements Callable<Integer> {
    @Option(names = "--problem", defaultValue = "trimul", description = "problem pack under problems/ (${DEFAULT-VALUE})")
    String problem;
    @Option(names = "--steps", defaultValue = "" + RunConfig.EMBEDDED_STEPS,
            description = "training steps (${DEFAULT-VALUE})")
    int steps;
    @Option(names = "--groups", defaultValue = "" + RunConfig.EMBEDDED_GROUPS,
            description = "groups per step, each from its own start state (${DEFAULT-VALUE})")
    int groups;
    @Option(names = "--group-size", defaultValue = "8", description = "samples per group (${DEFAULT-VALUE})")
    int groupSize;
    @Option(names = "--seed", defaultValue = "0", description = "run seed (${DEFAULT-VALUE})")
    long seed;
    @Option(names = "--target", description = "cpu or cuda (default: cuda when torch sees a GPU, else cpu)")
    String target;
    @Option(names = "--mask-semantics", converter = MaskSemanticsConverter.class, description = "as-specified or "
            + "official-all-ones (the official harness's always-ones mask); default: the problem pack's mask_semantics")
    MaskSemantics maskSemantics;
    @Option(names = "--workers", description = "evaluator worker processes (default: the evaluator's own)")
    Integer workers;
    @Option(names = "--evaluators", defaultValue = "1", description = "evaluator replicas, one consumer group "
            + "(${DEFAULT-VALUE})")
    int evaluators;
    @Option(names = "--db-url", description = "use this PostgreSQL (jdbc:postgresql://host:port/db) instead of the "
            + "embedded one")
    String dbUrl;
    @Option(names = "--param", description = "any other run request field, e.g. --param klCoef=0.05")
    Map<String, String> params = new LinkedHashMap<>();
    @Option(names = "--timeout-minutes", defaultValue = "120", description = "stop the run after (${DEFAULT-VALUE})")
    long timeoutMinutes;
    @Option(names = "--fresh", description = "delete the broker data and database earlier runs kept in .discover, "
            + "and start from scratch")
    boolean fresh;
    @Option(names = "--max-restarts", defaultValue = "3", description = "restarts of each service that dies during "
            + "the run before the run fails (${DEFAULT-VALUE})")
    int maxRestarts;
    @Mixin
    RetryOption retry;

    @Override
    public Integer call() {
        if (maxRestarts < 0) {
            throw new IllegalArgumentException("--max-restarts must be >= 0, not " + maxRestarts);
        }
        TrainerClient.Retry retryPolicy = retry.retry();
        PrintStream out = System.out;
        long t0 = System.currentTimeMillis();
        Workspace ws = Workspace.current();
        Optional<String> device = PythonEnvironment.ensure(ws.log("apt"), out);
        if (device.isEmpty()) {
            return 2;
        }
        String runTarget = target != null ? target : device.get();
        // Before anything starts: an unknown --param fails here.
        RunRequest runRequest = request(runTarget);
        StackOptions options = new StackOptions(dbUrl, workers, evaluators, Map.of(),
                replicaGpus(runTarget, evaluators, device.get()));
        LocalStack stack = LocalStack.open(ws, out::println);
        AtomicBoolean interrupted = new AtomicBoolean();
        AtomicReference<RunWatcher> watching = new AtomicReference<>();
        Thread hook = new Thread(() -> {
            interrupted.set(true);
            stopWatchedRun(stack, watching.get());
            System.out.println("\nstopping the local stack...");
            stack.close();
        }, "discover-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            out.println("python     " + PythonEnvironment.PYTHON + " has torch; evaluating on " + runTarget);
            if (fresh) {
                stack.discardData(options, out::println);
            }
            stack.startInfrastructure(options, out::println);
            stack.startServices(options, out::println);
            long startupMs = System.currentTimeMillis() - t0;
            // A note may interrupt the live reward count on a terminal: it gets a line of its own.
            Consumer<String> note = line -> out.println((System.console() != null ? "\r\033[K" : "") + line);
            Supervisor supervisor = stack.supervise(maxRestarts, note);
            TrainerClient trainer = new TrainerClient(stack.service("trainer").url(),
                    retryPolicy, note, supervisor::requireRunning);
            RunWatcher watcher = new RunWatcher(trainer, stack.bootstrapServers(), stack.processes(),
                    supervisor::requireRunning, out);
            watching.set(watcher);
            RunOutcome outcome = watcher.createAndWatch(runRequest, Duration.ofMinutes(timeoutMinutes));
            RunReport.print(outcome, startupMs, evaluators * (workers == null ? 1 : workers), out);
            out.println("\nlogs in " + ws.logs() + "; replay this run with: ./discover replay " + outcome.runId());
            return outcome.completed() ? 0 : 1;
        } catch (RuntimeException e) {
            if (interrupted.get()) {
                return 130;
            }
            throw e;
        } finally {
            stack.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the hook is running or has run.
            }
        }
    }

    /**
     * Ctrl-C: the run being watched is stopped (its queued work cancelled), so the next {@code discover run}, which
     * keeps the data and whose trainer resumes RUNNING runs, does not carry it on beside its own. Best effort: a
     * trainer that does not answer at once leaves it RUNNING (listed by {@code discover runs}, stoppable later).
     */
    private static void stopWatchedRun(LocalStack stack, RunWatcher watcher) {
        String runId = watcher == null ? null : watcher.createdRunId();
        if (runId == null) {
            return;
        }
        try {
            new TrainerClient(stack.service("trainer").url(), TrainerClient.Retry.within(Duration.ofSeconds(5)),
                    line -> { }, () -> { }).stop(runId);
            System.out.println("\nrun " + runId + " stopped");
        } catch (RuntimeException e) {
            System.out.println("\nrun " + runId + " could not be stopped (" + e.getMessage() + "); it stays RUNNING: "
                    + "./discover stop " + runId);
        }
    }

    /**
     * On CUDA with several evaluator replicas, each is pinned to its own GPU (replica i to GPU i-1, as one evaluator
     * per GPU on a cluster), unless CUDA_VISIBLE_DEVICES already narrows what this command sees.
     */
    static Map<String, Map<String, String>> replicaGpus(String runTarget, int evaluators, String device) {
        if (!"cuda".equals(runTarget) || !"cuda".equals(device) || evaluators < 2
                || System.getenv("CUDA_VISIBLE_DEVICES") != null) {
            return Map.of();
        }
        Map<String, Map<String, String>> env = new HashMap<>();
        for (int i = 1; i <= evaluators; i++) {
            env.put(i == 1 ? "evaluator" : "evaluator-" + i, Map.of("CUDA_VISIBLE_DEVICES", Integer.toString(i - 1)));
        }
        return env;
    }

    /** @throws IllegalArgumentException for a --param that POST /runs does not know, or of the wrong type */
    RunRequest request(String runTarget) {
        Map<String, Object> extra = new HashMap<>();
        params.forEach((k, v) -> extra.put(k, Params.parse(v)));
        return RunRequest.live(problem, steps, groups, groupSize, runTarget, seed, maskSemantics).with(extra);
    }

    /** By wire name, so a typo fails before the local stack starts, with the accepted names. */
    static final class MaskSemanticsConverter implements CommandLine.ITypeConverter<MaskSemantics> {
        @Override
        public MaskSemantics convert(String value) {
            try {
                return MaskSemantics.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
