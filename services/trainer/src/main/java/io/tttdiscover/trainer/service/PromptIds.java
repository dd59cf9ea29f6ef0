package io.tttdiscover.trainer.service;

/** The id the trainer gives the prompt of a run's step and group: what a reward's candidate must name. */
public final class PromptIds {
    private PromptIds() {
    }

    public static String of(String runId, int step, int group) {
        return runId + "-s" + step + "-g" + group;
    }
}
