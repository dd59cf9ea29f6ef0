package io.tttdiscover.sampler.backend;

import io.quarkus.runtime.Startup;
import io.tttdiscover.protocol.spi.PolicyBackend;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;

/**
 * Picks the backend named by {@code discover.policy.backend} among all {@link PolicyBackend} beans, so a module that
 * adds a backend (openai, tinker) only has to be on the class path. Built at startup, so a misconfigured name fails
 * the service at once rather than dead-lettering every prompt.
 */
@Startup
@ApplicationScoped
public class PolicyBackends {
    private static final Logger LOG = Logger.getLogger(PolicyBackends.class);
    private final PolicyBackend active;

    public PolicyBackends(@Any Instance<PolicyBackend> backends,
                          @ConfigProperty(name = "discover.policy.backend", defaultValue = EmbeddedPolicyBackend.NAME)
                          String wanted) {
        List<String> names = new ArrayList<>();
        PolicyBackend found = null;
        for (Instance.Handle<PolicyBackend> handle : backends.handles()) {
            String name;
            try {
                name = handle.get().name();
            } catch (RuntimeException e) {
                // A backend that cannot even be built here (missing client config) must not take the others down.
                LOG.warnf("policy backend %s unavailable: %s", handle.getBean().getBeanClass().getSimpleName(),
                        e.getMessage());
                continue;
            }
            names.add(name);
            if (name.equals(wanted)) {
                found = handle.get();
            }
        }
        if (found == null) {
            throw new IllegalStateException("discover.policy.backend=" + wanted + " but the backends here are " + names);
        }
        active = found;
        LOG.infof("policy backend: %s (available here: %s)", wanted, names);
    }

    public PolicyBackend active() {
        return active;
    }

    @PreDestroy
    void close() {
        active.close();
    }
}
