package io.tttdiscover.evaluator.pack;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.tttdiscover.evaluator.service.EvaluatorIdentity;
import io.tttdiscover.evaluator.service.HarnessSettings;
import io.tttdiscover.protocol.pack.ProblemPacks;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One {@link PackEvaluator} per problem pack found in {@code discover.problems-dir} (or the packs listed in
 * {@code discover.evaluator.problems}), its workers started with the service so the first candidate does not pay
 * torch's import.
 */
@ApplicationScoped
public class PackEvaluators {
    private static final Logger LOG = Logger.getLogger(PackEvaluators.class);

    private final Map<String, PackEvaluator> byProblem = new TreeMap<>();

    public PackEvaluators(ProblemPacks packs, HarnessSettings settings, EvaluatorIdentity identity,
                          @ConfigProperty(name = "discover.evaluator.problems") Optional<List<String>> only) {
        for (String id : only.orElseGet(packs::ids)) {
            byProblem.put(id, new PackEvaluator(packs.get(id), settings, identity));
        }
        LOG.infof("problem packs scored here: %s", byProblem.keySet());
    }

    void start(@Observes StartupEvent ignored) {
        byProblem.values().forEach(PackEvaluator::start);
    }

    void stop(@Observes ShutdownEvent ignored) {
        byProblem.values().forEach(PackEvaluator::close);
    }

    /** The pack evaluators by problem id. */
    public Map<String, PackEvaluator> all() {
        return byProblem;
    }
}
