package io.tttdiscover.cli.run;

import com.fasterxml.jackson.databind.JsonNode;
import io.tttdiscover.cli.report.PipelineFigures;
import io.tttdiscover.protocol.event.RewardEvent;
import io.tttdiscover.protocol.event.StepMetrics;

import java.util.List;

/**
 * What a watched run produced.
 *
 * @param maskSemantics     what the run asked its candidates to be evaluated with (the trainer's run view)
 * @param best              GET /runs/{id}/best, null when no candidate succeeded
 * @param rewards           the run's distinct rewards read from the rewards topic
 * @param duplicateRewards  rewards seen again on the topic for a candidate already counted (redeliveries)
 * @param runWallMs         from creating the run to seeing it finish
 */
public record RunOutcome(String runId, String status, String message, String maskSemantics, List<StepMetrics> steps,
                         JsonNode best, List<RewardEvent> rewards, int duplicateRewards, long runWallMs,
                         PipelineFigures figures, List<MemoryFigure> memory) {

    public boolean completed() {
        return "COMPLETED".equals(status);
    }
}
