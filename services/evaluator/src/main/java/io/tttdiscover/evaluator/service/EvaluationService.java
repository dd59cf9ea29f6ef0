package io.tttdiscover.evaluator.service;

import io.tttdiscover.evaluator.pack.PackEvaluators;
import io.tttdiscover.evaluator.spi.Evaluator;
import io.tttdiscover.protocol.event.CandidateEvent;
import io.tttdiscover.protocol.event.RewardEvent;
import io.tttdiscover.protocol.event.RewardStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import org.jboss.logging.Logger;

import java.util.Map;
import java.util.TreeMap;

/**
 * Where a candidate becomes a reward: routes it to the {@link Evaluator} of its problem, a pack's Python harness
 * ({@link PackEvaluators}) or an {@link Evaluator} bean for a problem scored otherwise (a bean wins over a pack of the
 * same id). Whatever happens, the answer is a reward event; an evaluator that throws yields {@code EVALUATOR_ERROR},
 * never a dead consumer.
 */
@ApplicationScoped
public class EvaluationService {
    private static final Logger LOG = Logger.getLogger(EvaluationService.class);

    private final Map<String, Evaluator> byProblem = new TreeMap<>();
    private final EvaluatorIdentity identity;

    public EvaluationService(PackEvaluators packs, @Any Instance<Evaluator> evaluators, EvaluatorIdentity identity) {
        byProblem.putAll(packs.all());
        for (Evaluator e : evaluators) {
            byProblem.put(e.problemId(), e);
        }
        this.identity = identity;
    }

    public RewardEvent evaluate(CandidateEvent candidate, long receivedAtMs) {
        if (candidate.program().isBlank()) {
            return Rewards.failure(candidate, RewardStatus.SYNTAX_ERROR, "no program in the completion",
                    identity.bare(), receivedAtMs);
        }
        Evaluator evaluator = byProblem.get(candidate.problemId());
        if (evaluator == null) {
            return Rewards.failure(candidate, RewardStatus.EVALUATOR_ERROR, "no evaluator for problem "
                    + candidate.problemId() + " here (this evaluator scores " + byProblem.keySet() + ")",
                    identity.bare(), receivedAtMs);
        }
        try {
            return evaluator.evaluate(candidate, receivedAtMs);
        } catch (RuntimeException e) {
            LOG.errorf(e, "evaluator %s failed on %s", candidate.problemId(), candidate.candidateId());
            return Rewards.failure(candidate, RewardStatus.EVALUATOR_ERROR, "evaluator failed: " + e,
                    identity.bare(), receivedAtMs);
        }
    }
}
