package io.tttdiscover.trainer.algorithm;

import io.tttdiscover.protocol.event.StepMetrics;
import io.tttdiscover.protocol.pack.ScoreOrder;
import io.tttdiscover.protocol.spi.TrainingSession;

import java.util.ArrayList;
import java.util.List;

/**
 * What a step's evaluated samples do, once they are in: every rollout is recorded in the archive (n, m and T; a
 * successful one becomes a child state of its group's parent), a sample that never arrived counts as a failed rollout,
 * the archive is pruned, and {@link TrainStep} trains the policy. The live run loop, a re-train and the simulator all
 * finish a step through this one function.
 */
public final class StepUpdate {

    private StepUpdate() {
    }

    /**
     * One evaluated sample.
     *
     * @param program the program it evaluated, the child state's code
     * @param choices the program-space choices that rendered it; null when an LLM wrote it
     */
    public record Evaluated(Rollout rollout, String program, List<Integer> choices) {
    }

    /**
     * One group: the state its prompt started from (null if unknown) and the samples that arrived, in arrival order.
     */
    public record Group(String parentId, List<Evaluated> samples) {
    }

    /**
     * The step as its caller knows it.
     *
     * @param groupSize         samples each group should have had; the rest count as missing
     * @param bestSoFarBeforeUs best score of earlier steps, null if none
     */
    public record Step(int step, int groupSize, Double bestSoFarBeforeUs, long startedAtMs, ScoreOrder order) {
    }

    /** The step's metrics and its best successful rollout (the first of the best score), null if none succeeded. */
    public record Outcome(StepMetrics metrics, Rollout best) {
    }

    public static Outcome apply(List<Group> groups, PuctArchive archive, TrainingSession session,
                                TrainStep.Settings settings, Step step) {
        List<List<Rollout>> rollouts = new ArrayList<>(groups.size());
        int missing = 0;
        Rollout best = null;
        for (Group group : groups) {
            List<Rollout> arrived = new ArrayList<>(group.samples().size());
            for (Evaluated e : group.samples()) {
                Rollout r = e.rollout();
                ArchiveState child = null;
                if (r.success()) {
                    child = ArchiveState.child(r.candidateId(), e.program(), e.choices(),
                            step.order().value(r.runtimeUs()), group.parentId());
                    if (step.order().better(r.runtimeUs(), best == null ? null : best.runtimeUs())) {
                        best = r;
                    }
                }
                archive.recordRollout(group.parentId(), child);
                arrived.add(r);
            }
            for (int i = arrived.size(); i < step.groupSize(); i++) {
                archive.recordRollout(group.parentId(), null);
                missing++;
            }
            rollouts.add(List.copyOf(arrived));
        }
        archive.prune();
        StepMetrics metrics = TrainStep.run(rollouts, session, settings, new TrainStep.Context(step.step(), missing,
                step.bestSoFarBeforeUs(), archive.size(), step.startedAtMs(), step.order()));
        return new Outcome(metrics, best);
    }
}
