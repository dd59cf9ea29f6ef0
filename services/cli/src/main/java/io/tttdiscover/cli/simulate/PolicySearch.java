package io.tttdiscover.cli.simulate;

import io.tttdiscover.protocol.event.CandidateEvent;
import io.tttdiscover.protocol.event.ParentState;
import io.tttdiscover.protocol.event.PolicyParameters;
import io.tttdiscover.protocol.event.PromptEvent;
import io.tttdiscover.protocol.event.StepMetrics;
import io.tttdiscover.protocol.pack.ProblemPack;
import io.tttdiscover.protocol.policy.ProgramSpacePolicy;
import io.tttdiscover.protocol.spi.PolicyCheckpoint;
import io.tttdiscover.protocol.spi.Sample;
import io.tttdiscover.protocol.spi.TrainingSession;
import io.tttdiscover.protocol.spi.TrainingSpec;
import io.tttdiscover.trainer.algorithm.ArchiveState;
import io.tttdiscover.trainer.algorithm.EvaluatedPrograms;
import io.tttdiscover.trainer.algorithm.PuctArchive;
import io.tttdiscover.trainer.algorithm.Rollout;
import io.tttdiscover.trainer.algorithm.StepUpdate;
import io.tttdiscover.trainer.service.PromptIds;
import io.tttdiscover.trainer.service.RunConfig;
import io.tttdiscover.trainer.training.EmbeddedTrainingBackend;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The product's run loop with the evaluator replaced by the model: each step PUCT picks the start states
 * ({@link PuctArchive#select}), the embedded policy samples each prompt's group exactly as the sampler does
 * ({@link ProgramSpacePolicy#samplePrompt}, seeded by the prompt id, told the programs of the finished steps as a
 * live prompt is), the oracle scores every sample, and the step
 * ends as a live one does ({@link StepUpdate}: archive update and pruning, entropic advantages, KL shaping, the
 * importance-sampling loss and Adam in the embedded training backend); the next step samples from the new policy.
 * Nothing is published or stored. A step the budget cuts short is not trained (nothing is evaluated after it).
 */
public final class PolicySearch implements SearchStrategy {
    private static final EmbeddedTrainingBackend BACKEND =
            new EmbeddedTrainingBackend((runId, version) -> Optional.empty());

    private final ProblemPack pack;
    private final ScoreOracle oracle;
    private final RunConfig config;

    /** @param config the run's settings; its target must be the model's */
    public PolicySearch(ProblemPack pack, ScoreOracle oracle, RunConfig config) {
        if (!config.target().equals(oracle.model().target())) {
            throw new IllegalArgumentException("the run's target " + config.target() + " is not the model's "
                    + oracle.model().target());
        }
        this.pack = pack;
        this.oracle = oracle;
        this.config = config;
    }

    /** A search and what the policy went through: each trained step's metrics, the first and the last policy. */
    public record Run(Evaluations evaluations, List<StepMetrics> steps, PolicyParameters initial,
                      PolicyParameters last) {
    }

    @Override
    public String name() {
        return "rl";
    }

    @Override
    public Evaluations run(long seed, int budget) {
        return search(seed, budget).evaluations();
    }

    public Run search(long seed, int budget) {
        String runId = "simulate-" + seed;
        Evaluations evaluations = new Evaluations(oracle, seed, budget);
        List<StepMetrics> steps = new ArrayList<>();
        PuctArchive archive = new PuctArchive();
        archive.addInitial(ArchiveState.initial(pack));
        try (TrainingSession session = BACKEND.open(new TrainingSpec(runId, pack, config.baseModel(),
                config.loraRank(), null, config.target(), seed), null)) {
            PolicyCheckpoint initial = session.initialCheckpoint();
            PolicyCheckpoint policy = initial;
            Double bestSoFar = null;
            EvaluatedPrograms evaluated = new EvaluatedPrograms();
            for (int step = 0; !evaluations.spent(); step++) {
                long startedAtMs = System.currentTimeMillis();
                List<StepUpdate.Group> groups = new ArrayList<>();
                boolean complete = true;
                List<ArchiveState> parents = archive.select(config.groupsPerBatch());
                // as the run loop's prompts carry them: the programs of the finished steps
                List<List<Integer>> before = evaluated.latest(PromptEvent.maxEvaluated(
                        pack.programSpace().size()));
                for (int g = 0; g < parents.size(); g++) {
                    List<StepUpdate.Evaluated> group = sampleAndScore(policy, parents.get(g),
                            PromptIds.of(runId, step, g), g, before, evaluations);
                    complete &= group.size() == config.groupSize();
                    groups.add(new StepUpdate.Group(parents.get(g).id(), group));
                }
                if (!complete) {
                    break;
                }
                StepUpdate.Outcome outcome = StepUpdate.apply(groups, archive, session, config.trainSettings(),
                        new StepUpdate.Step(step, config.groupSize(), bestSoFar, startedAtMs, pack.scoreOrder()));
                groups.forEach(g -> g.samples().forEach(e -> evaluated.add(e.choices())));
                steps.add(outcome.metrics());
                bestSoFar = outcome.metrics().bestRuntimeSoFarUs();
                policy = session.saveForSampler(policy.version() + 1);
            }
            return new Run(evaluations, steps, initial.embeddedPolicy(), policy.embeddedPolicy());
        }
    }

    /** One prompt's group, scored until the budget is spent. */
    private List<StepUpdate.Evaluated> sampleAndScore(PolicyCheckpoint policy, ArchiveState parent, String promptId,
                                                      int group, List<List<Integer>> evaluatedBefore,
                                                      Evaluations evaluations) {
        // the embedded policy reads only the parent's choices, not its code or score
        ParentState state = new ParentState(parent.id(), parent.code(), parent.choices(), null);
        List<Sample> samples = ProgramSpacePolicy.samplePrompt(policy.embeddedPolicy(), policy.version(),
                pack.programSpace(), state, config.target(), promptId, config.groupSize(), evaluatedBefore);
        List<StepUpdate.Evaluated> out = new ArrayList<>();
        for (int i = 0; i < samples.size() && !evaluations.spent(); i++) {
            Sample sample = samples.get(i);
            List<Integer> choices = sample.trace().completionTokens();
            Double score = evaluations.evaluate(choices);
            Rollout rollout = new Rollout(CandidateEvent.idOf(promptId, i), group,
                    score == null ? 0.0 : pack.reward(score), score != null, score, sample.trace());
            out.add(new StepUpdate.Evaluated(rollout, sample.program(), choices));
        }
        return out;
    }
}
