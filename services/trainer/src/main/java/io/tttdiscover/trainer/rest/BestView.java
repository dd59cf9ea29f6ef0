package io.tttdiscover.trainer.rest;

import java.util.List;

/** The fastest correct candidate of a run. */
public record BestView(String runId, String candidateId, Double runtimeUs, double reward, String program,
                       List<Integer> choices, String description) {
}
