package io.tttdiscover.protocol.api;

/**
 * How far the step in flight of a run has got (the trainer's {@code GET /runs/{id}/progress}), as the terminal's
 * live line and the dashboard show it.
 *
 * @param asked     candidates its prompts asked for so far (groups out x group size)
 * @param evaluated rewards of the step that arrived (every status)
 * @param failed    of those, the ones that did not yield a correct, timed program
 * @param elapsedMs since the step began
 */
public record StepProgress(String runId, int step, int steps, int groupsOut, int groups, int groupSize, int asked,
                           int evaluated, int failed, long startedAtMs, long elapsedMs) {
}
