package io.tttdiscover.trainer.service;

import io.tttdiscover.protocol.event.RewardEvent;
import io.tttdiscover.protocol.event.RewardStatus;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Cuts a recorded run's rewards (distinct, in recorded order) into the steps its trainer trained on, one step at a
 * time, so a long run is never held in memory whole.
 *
 * <p>A step's prompts went out only after the step before it was trained, so the first reward of a later step closes
 * a step; a reward of an earlier step that comes after that arrived too late to be counted by the live trainer and is
 * skipped here too ({@link #late}). CANCELLED rewards (candidates of a finished run, never evaluated) are skipped.
 * Within a group the rewards keep their recorded order, which is the order the live trainer took them in.
 */
final class RecordedSteps {
    private final int groupsPerBatch;
    private final Consumer<Step> onStep;
    private Step current;
    private int late;
    private int cancelled;

    /** One recorded step: its rewards per group index, in recorded order. */
    record Step(int step, List<List<RewardEvent>> groups) {
        int rewards() {
            return groups.stream().mapToInt(List::size).sum();
        }
    }

    RecordedSteps(int groupsPerBatch, Consumer<Step> onStep) {
        this.groupsPerBatch = groupsPerBatch;
        this.onStep = onStep;
    }

    void add(RewardEvent r) {
        if (r.status() == RewardStatus.CANCELLED) {
            cancelled++;
            return;
        }
        if (r.group() < 0 || r.group() >= groupsPerBatch) {
            throw new IllegalArgumentException("reward " + r.candidateId() + " names group " + r.group()
                    + " of a run with " + groupsPerBatch + " groups a step");
        }
        if (current != null && r.step() < current.step()) {
            late++;
            return;
        }
        if (current != null && r.step() > current.step()) {
            onStep.accept(current);
            current = null;
        }
        if (current == null) {
            List<List<RewardEvent>> groups = new ArrayList<>();
            for (int g = 0; g < groupsPerBatch; g++) {
                groups.add(new ArrayList<>());
            }
            current = new Step(r.step(), groups);
        }
        current.groups().get(r.group()).add(r);
    }

    /** Hands over the last step. */
    void end() {
        if (current != null) {
            onStep.accept(current);
            current = null;
        }
    }

    int late() {
        return late;
    }

    int cancelled() {
        return cancelled;
    }
}
