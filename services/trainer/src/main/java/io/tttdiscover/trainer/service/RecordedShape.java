package io.tttdiscover.trainer.service;

import io.tttdiscover.protocol.event.CandidateEvent;
import io.tttdiscover.protocol.event.MaskSemantics;
import io.tttdiscover.protocol.event.RewardEvent;
import io.tttdiscover.protocol.event.RewardStatus;

/**
 * The shape of a recorded run, as its rewards show it (the database that knew its settings may be gone): problem,
 * target, sampler backend and mask semantics of its first reward, and the most steps, groups and samples any reward
 * names.
 */
public record RecordedShape(String problemId, String target, String backend, MaskSemantics maskSemantics, int steps,
                     int groupsPerBatch, int groupSize, int rewards) {

    /** Accumulates the shape reward by reward; CANCELLED rewards (never evaluated) say nothing about it. */
    static final class Builder {
        private CandidateEvent first;
        private int maxStep = -1;
        private int maxGroup = -1;
        private int maxSample = -1;
        private int rewards;

        boolean add(RewardEvent r) {
            if (r.status() == RewardStatus.CANCELLED) {
                return true;
            }
            if (first == null) {
                first = r.candidate();
            }
            maxStep = Math.max(maxStep, r.step());
            maxGroup = Math.max(maxGroup, r.group());
            maxSample = Math.max(maxSample, r.sample());
            rewards++;
            return true;
        }

        /** Empty when no reward was evaluated. */
        java.util.Optional<RecordedShape> build() {
            if (first == null) {
                return java.util.Optional.empty();
            }
            return java.util.Optional.of(new RecordedShape(first.problemId(), first.target(), first.backend(),
                    first.maskSemantics(), maxStep + 1, maxGroup + 1, maxSample + 1, rewards));
        }
    }
}
