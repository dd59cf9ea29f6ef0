package io.tttdiscover.cli.run;

import com.fasterxml.jackson.databind.JsonNode;
import io.tttdiscover.cli.local.ChildProcess;
import io.tttdiscover.cli.report.CandidateCount;
import io.tttdiscover.cli.report.PipelineFigures;
import io.tttdiscover.cli.report.RewardLog;
import io.tttdiscover.cli.report.StepTable;
import io.tttdiscover.cli.trainer.TrainerClient;
import io.tttdiscover.protocol.api.RunRequest;
import io.tttdiscover.protocol.api.StepProgress;
import io.tttdiscover.protocol.event.StepMetrics;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Creates a run on the trainer and follows it to the end: a line per finished step, the progress of the step in
 * flight (candidates sampled, evaluated and failed, time elapsed: one line kept up to date on a terminal, else a line
 * every {@link #PROGRESS_EVERY} while it changes), memory samples of the local processes; then collects the outcome.
 * It follows the run by its id, so a trainer that restarts and resumes the run is followed on (its client waits while
 * it is away).
 */
public final class RunWatcher {
    private static final Set<String> TERMINAL = Set.of("COMPLETED", "FAILED", "STOPPED");
    private static final Duration POLL = Duration.ofMillis(500);
    static final Duration PROGRESS_EVERY = Duration.ofSeconds(15);

    private final TrainerClient trainer;
    private final String bootstrap;
    private final Map<String, ChildProcess> processes;
    private final Runnable health;
    private final PrintStream out;
    private final boolean live;
    private volatile String createdRunId;

    /**
     * @param processes local processes to watch (a dead one fails the run early) and to measure; empty when the
     *                  services run elsewhere
     */
    public RunWatcher(TrainerClient trainer, String bootstrap, Map<String, ChildProcess> processes, PrintStream out) {
        this(trainer, bootstrap, processes, () -> processes.values().forEach(ChildProcess::requireAlive), out);
    }

    /**
     * @param processes local processes to measure
     * @param health    checked at every poll; throws to fail the run (e.g. {@code Supervisor::requireRunning}, which
     *                  lets a process die and come back)
     */
    public RunWatcher(TrainerClient trainer, String bootstrap, Map<String, ChildProcess> processes, Runnable health,
                      PrintStream out) {
        this.trainer = trainer;
        this.bootstrap = bootstrap;
        this.processes = processes;
        this.health = health;
        this.out = out;
        this.live = System.console() != null;
    }

    /** The run this watcher created, once it has; null before. */
    public String createdRunId() {
        return createdRunId;
    }

    public RunOutcome createAndWatch(RunRequest request, Duration timeout) {
        long start = System.currentTimeMillis();
        // A second early: the broker's and this machine's clocks may differ a little.
        JsonNode created = trainer.createRun(request);
        String runId = created.path("id").asText();
        createdRunId = runId;
        int totalSteps = created.path("config").path("steps").asInt(request.steps() == null ? 0 : request.steps());
        int perStep = created.path("config").path("groupsPerBatch").asInt(1)
                * created.path("config").path("groupSize").asInt(1);
        out.println("run " + runId + " created (mask semantics " + created.path("maskSemantics").asText("-")
                + "): " + created.path("config"));
        out.println("dashboard  " + trainer.baseUrl() + "/dashboard/#run=" + runId);
        // From a second before the run was created: the broker's clock may differ a little from this one.
        try (RewardLog rewards = RewardLog.follow(bootstrap, runId);
             CandidateCount sampled = CandidateCount.follow(bootstrap, runId, start - 1000)) {
            JsonNode run = created;
            int printed = 0;
            String lastProgress = null;
            long progressAt = System.currentTimeMillis();
            List<StepMetrics> steps = new ArrayList<>();
            while (true) {
                run = trainer.run(runId).orElse(run);
                String status = run.path("status").asText();
                if (run.path("stepsDone").asInt() > printed || TERMINAL.contains(status)) {
                    steps = trainer.steps(runId);
                    clearLive();
                    for (int i = printed; i < steps.size(); i++) {
                        out.println(StepTable.progressLine(steps.get(i), i + 1, totalSteps));
                    }
                    printed = steps.size();
                }
                if (TERMINAL.contains(status)) {
                    break;
                }
                processes.values().forEach(ChildProcess::sampleTreeRss);
                health.run();
                int k = run.path("currentStep").asInt();
                String progress = trainer.progress(runId)
                        .map(p -> progressLine(p, sampled.count(p.step())))
                        .orElse("  step " + (k + 1) + "/" + totalSteps + ": " + sampled.count(k) + " sampled, "
                                + rewards.count(k) + "/" + perStep + " evaluated");
                if (live) {
                    out.print("\r\033[K" + progress);
                    out.flush();
                } else if (!progress.equals(lastProgress)
                        && System.currentTimeMillis() - progressAt >= PROGRESS_EVERY.toMillis()) {
                    out.println(progress);
                    lastProgress = progress;
                    progressAt = System.currentTimeMillis();
                }
                if (System.currentTimeMillis() - start > timeout.toMillis()) {
                    clearLive();
                    out.println("run " + runId + " did not finish within " + timeout.toMinutes()
                            + " min: stopping it");
                    run = trainer.stop(runId);
                    break;
                }
                sleep(POLL);
            }
            long wall = System.currentTimeMillis() - start;
            int expected = steps.stream().mapToInt(StepMetrics::samples).sum();
            rewards.awaitAtLeast(expected, Duration.ofSeconds(10));
            var all = rewards.rewards();
            return new RunOutcome(runId, run.path("status").asText(), run.path("message").asText(null),
                    run.path("maskSemantics").asText(null), steps,
                    trainer.best(runId).orElse(null), all, rewards.duplicates(), wall, PipelineFigures.of(all, wall),
                    memory());
        }
    }

    /**
     * The step in flight in one line, from the trainer's {@code GET /runs/{id}/progress} and the candidates counted on
     * the topic: {@code step 2/6: 10 sampled, 7/12 evaluated (1 failed), 4 of 6 groups out, 0:14}.
     */
    static String progressLine(StepProgress p, int sampled) {
        long s = p.elapsedMs() / 1000;
        return String.format("  step %d/%d: %d sampled, %d/%d evaluated (%d failed), %d of %d groups out, %d:%02d",
                p.step() + 1, p.steps(), sampled, p.evaluated(), p.groups() * p.groupSize(), p.failed(), p.groupsOut(),
                p.groups(), s / 60, s % 60);
    }

    private List<MemoryFigure> memory() {
        List<MemoryFigure> out = new ArrayList<>();
        processes.forEach((name, p) -> {
            p.sampleTreeRss();
            out.add(new MemoryFigure(name, p.pid(), p.rssKb(), p.peakRssKb(), p.descendantsRssKb(),
                    p.peakTreeRssKb()));
        });
        return out;
    }

    private void clearLive() {
        if (live) {
            out.print("\r\033[K");
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
