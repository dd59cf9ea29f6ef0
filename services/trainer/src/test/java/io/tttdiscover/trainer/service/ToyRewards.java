package io.tttdiscover.trainer.service;

import io.tttdiscover.protocol.event.CandidateEvent;
import io.tttdiscover.protocol.event.Event;
import io.tttdiscover.protocol.event.PolicyParameters;
import io.tttdiscover.protocol.event.PromptEvent;
import io.tttdiscover.protocol.event.RewardEvent;
import io.tttdiscover.protocol.event.RewardStatus;
import io.tttdiscover.protocol.pack.ProblemPack;
import io.tttdiscover.protocol.policy.ProgramSpacePolicy;
import io.tttdiscover.protocol.spi.Sample;

import java.nio.file.Path;
import java.util.List;

/** Rewards of the toy problem as the sampler and an evaluator would make them, for the trainer's tests. */
final class ToyRewards {
    static final ProblemPack TOY = ProblemPack.load(Path.of("src/test/resources/problems"), "toy");

    private ToyRewards() {
    }

    /**
     * The reward of a prompt's sample-th candidate, drawn by {@code policy} exactly as the sampler draws it; runtime
     * null = it failed its tests.
     */
    static RewardEvent reward(PromptEvent prompt, PolicyParameters policy, int sample, Double runtimeUs) {
        Sample drawn = ProgramSpacePolicy.samplePrompt(policy, prompt.policyVersion(), TOY.programSpace(),
                prompt.parent(), "cpu", prompt.promptId(), sample + 1).get(sample);
        List<Integer> choices = drawn.trace().completionTokens();
        String candidateId = prompt.promptId() + "-" + sample;
        CandidateEvent candidate = new CandidateEvent(Event.CURRENT_SCHEMA, candidateId, prompt.promptId(),
                prompt.runId(), prompt.step(), prompt.group(), sample, "toy", prompt.parent().stateId(),
                prompt.policyVersion(), "embedded",
                TOY.programSpace().render(choices) + "\n# " + candidateId, drawn.trace(), "cpu", prompt.maskSemantics(),
                System.currentTimeMillis());
        return evaluated(candidate, runtimeUs);
    }

    /** What an evaluator answers for a candidate: OK with reward 100 / runtime, or INCORRECT for a null runtime. */
    static RewardEvent evaluated(CandidateEvent candidate, Double runtimeUs) {
        boolean ok = runtimeUs != null;
        return new RewardEvent(Event.CURRENT_SCHEMA, candidate.runId(), candidate.step(), candidate.group(),
                candidate.sample(), "toy", ok ? RewardStatus.OK : RewardStatus.INCORRECT, ok ? null : "mismatch",
                ok ? 100.0 / runtimeUs : 0.0, runtimeUs, List.of(), null, List.of(), null, null, candidate);
    }
}
