package io.tttdiscover.cli.local;

import java.util.Map;

/**
 * How to bring up the local stack.
 *
 * @param dbUrl      an existing PostgreSQL (jdbc:postgresql://...) instead of the embedded one; null for embedded
 * @param workers    evaluator worker processes; null leaves the evaluator's default
 * @param serviceEnv extra environment for every service (e.g. QUARKUS_LOG_LEVEL)
 */
public record StackOptions(String dbUrl, Integer workers, Map<String, String> serviceEnv) {
}
