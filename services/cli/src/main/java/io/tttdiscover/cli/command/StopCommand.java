package io.tttdiscover.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

@Command(name = "stop", description = "Stops a run: the trainer publishes no further prompts for it.")
public final class StopCommand implements Callable<Integer> {
    @Mixin
    TrainerOption trainer;
    @Parameters(index = "0", paramLabel = "RUN_ID")
    String runId;

    @Override
    public Integer call() {
        JsonNode run = trainer.client().stop(runId);
        System.out.println("run " + runId + " " + run.path("status").asText());
        return 0;
    }
}
