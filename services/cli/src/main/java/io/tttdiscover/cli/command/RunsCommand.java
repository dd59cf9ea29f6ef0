package io.tttdiscover.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import io.tttdiscover.cli.report.StepTable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "runs", description = "Lists the runs a trainer knows.")
public final class RunsCommand implements Callable<Integer> {
    @Mixin
    TrainerOption trainer;

    @Override
    public Integer call() {
        List<JsonNode> runs = trainer.client().runs();
        System.out.printf(Locale.ROOT, "%-20s %-16s %-10s %-17s %7s %12s  %s%n", "id", "problem", "status",
                "mask_semantics", "steps", "best", "created");
        for (JsonNode r : runs) {
            JsonNode best = r.path("bestRuntimeUs");
            System.out.printf(Locale.ROOT, "%-20s %-16s %-10s %-17s %3d/%-3d %12s  %s%n", r.path("id").asText(),
                    r.path("problemId").asText(), r.path("status").asText(), r.path("maskSemantics").asText("-"),
                    r.path("stepsDone").asInt(), r.path("config").path("steps").asInt(),
                    StepTable.score(best.isNumber() ? best.asDouble() : null), time(r.path("createdAt")));
        }
        return 0;
    }

    private static String time(JsonNode t) {
        return t.isNumber() ? Instant.ofEpochMilli(t.asLong()).truncatedTo(ChronoUnit.SECONDS).toString() : t.asText();
    }
}
