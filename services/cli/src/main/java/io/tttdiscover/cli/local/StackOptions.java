package io.tttdiscover.cli.local;

import java.util.HashMap;
import java.util.Map;

/**
 * How to bring up the local stack.
 *
 * @param dbUrl        an existing PostgreSQL (jdbc:postgresql://...) instead of the embedded one; null for embedded
 * @param workers      evaluator worker processes; null leaves the evaluator's default
 * @param evaluators   evaluator replicas, each its own JVM with {@code workers} workers, sharing the candidates in
 *                     the {@code evaluator} consumer group; the first is named {@code evaluator}, the others
 *                     {@code evaluator-2}, {@code evaluator-3}, ...
 * @param serviceEnv   extra environment for every service (e.g. QUARKUS_LOG_LEVEL)
 * @param envByService extra environment for one service, by name (trainer, sampler, evaluator), applied after
 *                     {@code serviceEnv} (e.g. the sampler's DISCOVER_POLICY_BACKEND, the trainer's TINKER_BASE_URL); an
 *                     evaluator replica's own name ({@code evaluator-2}) adds to the {@code evaluator} entry
 */
public record StackOptions(String dbUrl, Integer workers, int evaluators, Map<String, String> serviceEnv,
                           Map<String, Map<String, String>> envByService) {

    public StackOptions {
        if (evaluators < 1) {
            throw new IllegalArgumentException("at least one evaluator, not " + evaluators);
        }
        serviceEnv = serviceEnv == null ? Map.of() : Map.copyOf(serviceEnv);
        envByService = envByService == null ? Map.of() : Map.copyOf(envByService);
    }

    public StackOptions(String dbUrl, Integer workers, Map<String, String> serviceEnv) {
        this(dbUrl, workers, 1, serviceEnv, Map.of());
    }

    public StackOptions(String dbUrl, Integer workers, Map<String, String> serviceEnv,
                        Map<String, Map<String, String>> envByService) {
        this(dbUrl, workers, 1, serviceEnv, envByService);
    }

    /** The extra environment of one service: the common part, then its own. */
    public Map<String, String> envOf(String service) {
        Map<String, String> env = new HashMap<>(serviceEnv);
        env.putAll(envByService.getOrDefault(service, Map.of()));
        return env;
    }
}
