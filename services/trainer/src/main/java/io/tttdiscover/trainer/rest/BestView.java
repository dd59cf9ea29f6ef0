package io.tttdiscover.trainer.rest;

import java.util.List;

/**
 * The best correct candidate of a run (the fastest, for a runtime).
 *
 * @param runtimeUs the candidate's score: a runtime in us, or whatever the pack's score is (see scoreName)
 * @param scoreName what the score is, from the pack ({@code score.name}), e.g. "sum of radii"
 * @param scoreUnit the score's unit, e.g. "us"; empty for a pure number
 * @param message   the evaluator's message on the candidate (what it measured or built)
 */
public record BestView(String runId, String candidateId, Double runtimeUs, double reward, String program,
                       List<Integer> choices, String description, String scoreName, String scoreUnit,
                       String message) {
}
