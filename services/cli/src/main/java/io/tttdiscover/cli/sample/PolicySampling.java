package io.tttdiscover.cli.sample;

import io.tttdiscover.protocol.event.CheckpointEvent;
import io.tttdiscover.protocol.event.Event;
import io.tttdiscover.protocol.event.ParentState;
import io.tttdiscover.protocol.event.PromptEvent;
import io.tttdiscover.protocol.pack.ProblemPack;
import io.tttdiscover.protocol.spi.PolicyBackend;
import io.tttdiscover.protocol.spi.Sample;

import java.util.List;
import java.util.UUID;

/**
 * One prompt through a sampler's policy backend, outside a run: the prompt is rendered as the trainer renders a step's
 * prompt ({@link ProblemPack#renderPrompt}), the backend renders it in harmony, samples and extracts each program
 * exactly as the sampler service does. The prompt and checkpoint events carry a run id of their own ({@code sample-}
 * and a random suffix), so a server's adapter for this tool never replaces a live run's.
 */
public final class PolicySampling {
    private PolicySampling() {
    }

    /**
     * @param parentCode      the program the prompt asks to improve; null for the pack's initial program, as step 0
     * @param parentRuntimeUs its measured runtime, null for "not measured"
     */
    public static PromptEvent prompt(ProblemPack pack, String parentCode, Double parentRuntimeUs, int samples,
                                     String target) {
        String code = parentCode != null ? parentCode : pack.initialProgram();
        String runId = "sample-" + UUID.randomUUID().toString().substring(0, 8);
        return new PromptEvent(Event.CURRENT_SCHEMA, runId + "-0-0", runId, 0, 0, pack.id(),
                new ParentState(parentCode != null ? "given" : "initial", code, null, parentRuntimeUs),
                pack.renderPrompt(code, parentRuntimeUs), samples, 0, target, null, System.currentTimeMillis());
    }

    /**
     * Samples the prompt from the checkpoint at {@code weightsUri} (loaded by the backend as the sampler loads a run's
     * checkpoint), or from the backend's base model when it is null.
     */
    public static List<Sample> sample(PolicyBackend backend, String weightsUri, PromptEvent prompt,
                                      ProblemPack pack) {
        if (weightsUri != null) {
            backend.onCheckpoint(new CheckpointEvent(Event.CURRENT_SCHEMA, prompt.runId(), 0, 1, backend.name(),
                    weightsUri, null, null, System.currentTimeMillis()));
        }
        return backend.sample(prompt, pack);
    }
}
