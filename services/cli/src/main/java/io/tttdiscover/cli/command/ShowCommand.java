package io.tttdiscover.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import io.tttdiscover.cli.report.StepTable;
import io.tttdiscover.cli.trainer.TrainerClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

@Command(name = "show", description = "Shows a run: its status, per-step metrics and best program.")
public final class ShowCommand implements Callable<Integer> {
    @Mixin
    TrainerOption trainer;
    @Parameters(index = "0", paramLabel = "RUN_ID")
    String runId;

    @Override
    public Integer call() {
        TrainerClient client = trainer.client();
        JsonNode run = client.run(runId).orElseThrow(() -> new IllegalArgumentException("no run " + runId));
        System.out.println("run " + runId + " " + run.path("status").asText() + " (" + run.path("stepsDone").asInt()
                + "/" + run.path("config").path("steps").asInt() + " steps) "
                + run.path("message").asText(""));
        System.out.println("mask semantics: " + run.path("maskSemantics").asText("-"));
        System.out.println("config: " + run.path("config"));
        System.out.println();
        System.out.print(StepTable.render(client.steps(runId)));
        System.out.println();
        client.best(runId).ifPresentOrElse(b -> System.out.print(StepTable.best(b)),
                () -> System.out.println("best program: none yet"));
        return 0;
    }
}
