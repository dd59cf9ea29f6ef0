package io.tttdiscover.evaluator.service;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The one {@link FairGate} of this evaluator, as wide as its harness has worker slots. */
@ApplicationScoped
public class GateProducer {
    @Produces
    @Singleton
    FairGate gate(HarnessSettings harness) {
        return new FairGate(harness.slots());
    }
}
