package io.tttdiscover.trainer.training;

import io.tttdiscover.protocol.event.PolicyParameters;

import java.util.Optional;

/** Finds the embedded parameters a run saved as a version, for warm starts from an earlier run. */
@FunctionalInterface
public interface CheckpointLookup {
    Optional<PolicyParameters> embeddedParameters(String runId, long version);
}
