package io.tttdiscover.trainer.messaging;

import io.tttdiscover.protocol.event.CandidateEvent;
import io.tttdiscover.protocol.event.EventCodec;
import io.tttdiscover.protocol.event.RewardEvent;
import io.tttdiscover.protocol.pack.ProblemPack;
import io.tttdiscover.protocol.pack.ScoreOrder;
import io.tttdiscover.trainer.domain.Run;
import io.tttdiscover.trainer.service.RunConfig;
import io.tttdiscover.trainer.service.PromptIds;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * Whether a decoded reward may enter a run: the trainer counts only rewards for work it asked for, with values that
 * can be true. Anything else (a reward for an unknown run, for a prompt this trainer never published, for a step not
 * yet reached, or with an impossible reward) is refused with a reason, which sends it to {@code rewards.dlq}: a forged
 * or corrupt reward must not become a run's best program or its training signal.
 */
public final class RewardCheck {
    /** Relative slack between a reward and the one its score gives (both travel as JSON doubles). */
    private static final double RELATIVE_SLACK = 1e-9;

    private RewardCheck() {
    }

    /** Why the reward is refused, or empty when it may be stored and counted; the range is the run's pack's. */
    public static Optional<String> refusal(RewardEvent r, Optional<Run> found, ProblemPack pack) {
        if (found.isEmpty()) {
            return refusal(r, found, Range.ANY);
        }
        String target = config(found.get()).target();
        return refusal(r, found, new Range(pack.scoreOrder(), pack.rewardScale(), pack.minScore(target),
                pack.maxScore(target), pack.maxProgramBytes()));
    }

    /**
     * What a true reward of a run can be: the reward its score gives (scale / score or scale * score, by the pack's
     * score order) with the score in [minScore, maxScore] (for a runtime the pack's physics floor and timeout on the
     * run's target, for a value the pack's proven bounds), for a program of at most maxProgramBytes.
     */
    public record Range(ScoreOrder order, double rewardScale, double minScore, double maxScore, int maxProgramBytes) {
        static final Range ANY = new Range(ScoreOrder.LOWER_IS_BETTER, 1.0, 0.0, Double.POSITIVE_INFINITY,
                Integer.MAX_VALUE);
    }

    /** Why the reward is refused, or empty when it may be stored and counted. */
    public static Optional<String> refusal(RewardEvent r, Optional<Run> found, Range range) {
        double rewardScale = range.rewardScale();
        if (found.isEmpty()) {
            return Optional.of("reward for unknown run " + r.runId());
        }
        Run run = found.get();
        RunConfig config = config(run);
        if (!run.problemId.equals(r.problemId())) {
            return Optional.of("reward for problem " + r.problemId() + " but run " + run.id + " is on " + run.problemId);
        }
        if (r.step() < 0 || r.step() > run.currentStep) {
            return Optional.of("reward for step " + r.step() + " of run " + run.id + ", which has reached step "
                    + run.currentStep);
        }
        if (r.group() < 0 || r.group() >= config.groupsPerBatch()) {
            return Optional.of("reward for group " + r.group() + " of run " + run.id + ", which has "
                    + config.groupsPerBatch() + " groups a step");
        }
        CandidateEvent c = r.candidate();
        String prompt = PromptIds.of(run.id, r.step(), r.group());
        if (c == null || !run.id.equals(c.runId()) || c.step() != r.step() || c.group() != r.group()
                || !prompt.equals(c.promptId())) {
            return Optional.of("reward for a candidate of no prompt this trainer published (expected prompt " + prompt
                    + ", candidate " + r.candidateId() + ")");
        }
        if (c.sample() < 0 || c.sample() >= config.groupSize() || r.sample() != c.sample()
                || !CandidateEvent.idOf(prompt, c.sample()).equals(c.candidateId())) {
            return Optional.of("reward for candidate " + r.candidateId() + ", which prompt " + prompt
                    + " did not ask for (its candidates are " + CandidateEvent.idOf(prompt, 0) + " .. "
                    + CandidateEvent.idOf(prompt, config.groupSize() - 1) + ")");
        }
        if (c.program() != null && c.programSize() > range.maxProgramBytes()) {
            return Optional.of("reward carries a program of " + c.programSize() + " bytes, over the problem's "
                    + "max_program_bytes " + range.maxProgramBytes());
        }
        double reward = r.reward();
        if (!Double.isFinite(reward) || reward < 0) {
            return Optional.of("reward " + reward + " is not a finite non-negative number");
        }
        if (!r.status().success()) {
            return reward == 0.0 ? Optional.empty()
                    : Optional.of("a " + r.status() + " reward must be 0, was " + reward);
        }
        Double score = r.runtimeUs();
        if (score == null || !Double.isFinite(score) || score <= 0) {
            return Optional.of("a " + r.status() + " reward needs a finite positive score, had " + score);
        }
        if (score < range.minScore() || score > range.maxScore()) {
            boolean runtime = range.order() == ScoreOrder.LOWER_IS_BETTER;
            return Optional.of("score " + score + " is outside what problem " + r.problemId() + " allows on "
                    + "this run's target: " + range.minScore() + (runtime ? " us (its physics floor)" : "")
                    + " to " + range.maxScore() + (runtime ? " us (its timeout)" : " (its proven bound)"));
        }
        double expected = range.order().reward(rewardScale, score);
        if (Math.abs(reward - expected) > RELATIVE_SLACK * expected) {
            boolean runtime = range.order() == ScoreOrder.LOWER_IS_BETTER;
            return Optional.of("reward " + reward + " does not match reward_scale " + (runtime ? "/ runtime" : "* score")
                    + " = " + rewardScale + (runtime ? " / " : " * ") + score + " = " + expected);
        }
        return Optional.empty();
    }

    private static RunConfig config(Run run) {
        try {
            return EventCodec.mapper().readValue(run.config, RunConfig.class);
        } catch (IOException e) {
            throw new UncheckedIOException("run " + run.id + " has an unreadable configuration", e);
        }
    }
}
