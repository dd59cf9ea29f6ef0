package io.tttdiscover.evaluator.service;

import io.tttdiscover.protocol.event.EvaluatorInfo;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Who this evaluator is, for the {@link EvaluatorInfo} of every reward. */
@ApplicationScoped
public class EvaluatorIdentity {
    private final String version;
    private final String host;

    public EvaluatorIdentity(@ConfigProperty(name = "quarkus.application.version", defaultValue = "dev") String version) {
        this.version = version;
        this.host = hostName();
    }

    public String version() {
        return version;
    }

    public String host() {
        return host;
    }

    /** The identity alone, for rewards no harness produced. */
    public EvaluatorInfo bare() {
        return new EvaluatorInfo(version, host, null, null, null, null, null, null, null, null, null);
    }

    private static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown";
        }
    }
}
