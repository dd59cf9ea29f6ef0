package io.tttdiscover.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import io.tttdiscover.cli.report.CheckpointLog;
import io.tttdiscover.cli.report.EvaluationThroughput;
import io.tttdiscover.cli.report.ReplayComparison;
import io.tttdiscover.cli.report.RewardLog;
import io.tttdiscover.cli.report.StepTable;
import io.tttdiscover.cli.report.TopicReader;
import io.tttdiscover.cli.trainer.TrainerClient;
import io.tttdiscover.protocol.event.CheckpointEvent;
import io.tttdiscover.protocol.event.RewardEvent;
import io.tttdiscover.protocol.event.RewardStatus;
import io.tttdiscover.protocol.event.StepMetrics;
import io.tttdiscover.protocol.pack.ProblemPack;
import io.tttdiscover.protocol.api.RunRequest;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A re-train or re-score of a recorded run, done by the trainer (POST /runs with replayOf or rescoreOf), followed until
 * it ends and then compared with the recorded run from the topics.
 */
final class TrainerReplay {
    private static final long POLL_MS = 1000;

    private final String recorded;
    private final boolean retrain;
    private final Long fromOffset;
    private final Long fromTimeMs;
    private final ReplayTraining training;
    private final int rows;

    TrainerReplay(String recorded, boolean retrain, Long fromOffset, Long fromTimeMs, ReplayTraining training,
                  int rows) {
        this.recorded = recorded;
        this.retrain = retrain;
        this.fromOffset = fromOffset;
        this.fromTimeMs = fromTimeMs;
        this.training = training;
        this.rows = rows;
    }

    int run(TrainerClient trainer, String bootstrap, Path problems) {
        Map<String, Object> fields = retrain ? training.request() : new LinkedHashMap<>();
        fields.put(retrain ? "replayOf" : "rescoreOf", recorded);
        if (fromOffset != null) {
            fields.put("replayFromOffset", fromOffset);
        }
        if (fromTimeMs != null) {
            fields.put("replayFromTime", fromTimeMs);
        }
        JsonNode created = trainer.createRun(RunRequest.empty().with(fields));
        String id = created.path("id").asText();
        JsonNode config = created.path("config");
        System.out.printf(Locale.ROOT, "%s run %s as run %s: problem %s on %s, %d steps of %d groups x %d%s%n",
                retrain ? "re-training" : "re-scoring", recorded, id, config.path("problemId").asText(),
                config.path("target").asText(), config.path("steps").asInt(), config.path("groupsPerBatch").asInt(),
                config.path("groupSize").asInt(), retrain ? String.format(Locale.ROOT, " (%s backend, learning rate "
                        + "%s, %s advantages, KL coefficient %s)", config.path("trainingBackend").asText(),
                config.path("learningRate").asText(), config.path("advantage").asText(),
                config.path("klCoef").asText()) : "");
        JsonNode end = await(trainer, id);
        System.out.printf(Locale.ROOT, "run %s %s: %s%n%n", id, end.path("status").asText(),
                end.path("message").asText());
        if (retrain) {
            compareRetrain(trainer, bootstrap, problems, id, config.path("problemId").asText());
        } else {
            trainer.rescoreReport(id).ifPresent(r -> System.out.print(ReplayComparison.rescore(r, rows)));
            System.out.print(EvaluationThroughput.of(
                    RewardLog.read(bootstrap, id, TopicReader.Start.BEGINNING).rewards()).render());
            trainer.best(id).ifPresent(b -> System.out.print("\n" + StepTable.best(b)));
        }
        return "COMPLETED".equals(end.path("status").asText()) ? 0 : 1;
    }

    /** Polls the run until it has ended, saying how far a re-train got. */
    private static JsonNode await(TrainerClient trainer, String id) {
        int shown = 0;
        while (true) {
            JsonNode run = trainer.run(id).orElseThrow(() -> new IllegalStateException("the trainer lost run " + id));
            int done = run.path("stepsDone").asInt();
            String status = run.path("status").asText();
            if (done > shown && !run.path("replay").path("kind").asText().equals("RESCORE")) {
                System.out.printf(Locale.ROOT, "  %d of %d steps re-trained%n", done,
                        run.path("config").path("steps").asInt());
                shown = done;
            }
            if (status.equals("COMPLETED") || status.equals("STOPPED") || status.equals("FAILED")) {
                return run;
            }
            try {
                Thread.sleep(POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for run " + id, e);
            }
        }
    }

    private void compareRetrain(TrainerClient trainer, String bootstrap, Path problems, String id, String problemId) {
        List<CheckpointEvent> recordedCheckpoints = CheckpointLog.read(bootstrap, recorded);
        List<StepMetrics> recordedSteps = recordedCheckpoints.stream().map(CheckpointEvent::metrics)
                .filter(Objects::nonNull).toList();
        System.out.print(ReplayComparison.steps(recordedSteps, trainer.steps(id)));
        System.out.printf(Locale.ROOT, "(recorded metrics of %d step(s) left on the checkpoints topic; kl_rec_re: "
                + "recorded minus re-trained logprob of the step's recorded samples, before its update)%n%n",
                recordedSteps.size());
        Optional<CheckpointEvent> a = latest(recordedCheckpoints);
        Optional<CheckpointEvent> b = latest(CheckpointLog.read(bootstrap, id));
        if (a.isEmpty() || b.isEmpty()) {
            System.out.println("no policy of " + (a.isEmpty() ? recorded : id) + " on the checkpoints topic to compare");
            return;
        }
        TopicReader.Start start = new TopicReader.Start(fromOffset, fromTimeMs);
        List<RewardEvent> rewards = RewardLog.read(bootstrap, recorded, start).rewards()
                .stream().filter(r -> r.status() != RewardStatus.CANCELLED).toList();
        System.out.print(ReplayComparison.policies(a.get(), b.get(), rewards, ProblemPack.load(problems, problemId)));
    }

    private static Optional<CheckpointEvent> latest(List<CheckpointEvent> checkpoints) {
        return checkpoints.stream().filter(c -> !c.marksRunFinished()).reduce((x, y) -> y);
    }
}
