package io.tttdiscover.cli;

import io.tttdiscover.cli.local.Database;
import io.tttdiscover.cli.local.LocalStack;
import io.tttdiscover.cli.local.Ports;
import io.tttdiscover.cli.local.PythonEnvironment;
import io.tttdiscover.cli.local.StackOptions;
import io.tttdiscover.cli.local.Workspace;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What the end-to-end tests share: the repository, the skip when the services are not packaged or Python lacks
 * torch, a database of their own, and a local stack started from scratch as {@code discover run --fresh} starts it.
 */
final class ItStack {
    static final Path REPO = Path.of(System.getProperty("discover.home", "../..")).toAbsolutePath().normalize();
    /**
     * The evaluator's environment for the tests that do not judge runtimes: two timed calls per benchmark, each still
     * checked ({@code discover.evaluator.max-timed-runs}), about half an evaluation's time on the CPU. DiscoverRunIT
     * keeps the pack's own timing.
     */
    static final Map<String, String> QUICK_EVALUATOR = Map.of("DISCOVER_EVALUATOR_MAX_TIMED_RUNS", "2");

    private ItStack() {
    }

    /** Skips the test, saying why, unless the three services are packaged and /usr/bin/python3 imports torch. */
    static void assumeRunnable() {
        for (String svc : List.of("trainer", "sampler", "evaluator")) {
            assumeTrue(Files.isRegularFile(REPO.resolve("services/" + svc + "/target/quarkus-app/quarkus-run.jar")),
                    svc + " is not packaged; run ./mvnw -B verify from the root");
        }
        assumeTrue(PythonEnvironment.probe().isPresent(), "/usr/bin/python3 cannot import torch");
    }

    /**
     * The test's own database, created empty, on the PostgreSQL at 127.0.0.1:5432 when one answers (it saves the
     * embedded one's startup); else null, for the embedded one.
     */
    static String database(String name) {
        if (!Ports.answers("127.0.0.1", 5432)) {
            return null;
        }
        String url = "jdbc:postgresql://127.0.0.1:5432/" + name;
        Database.recreate(url);
        return url;
    }

    /** The workspace {@code services/cli/target/it-<name>}. */
    static Workspace workspace(String name) {
        return new Workspace(REPO, REPO.resolve("services/cli/target/it-" + name));
    }

    /** Broker, database and services in {@code workspace(name)}, from scratch; the caller closes the stack. */
    static LocalStack start(String name, StackOptions options) {
        LocalStack stack = LocalStack.open(workspace(name), System.out::println);
        try {
            stack.discardData(options, System.out::println);
            stack.startInfrastructure(options, System.out::println);
            stack.startServices(options, System.out::println);
            return stack;
        } catch (RuntimeException | Error e) {
            stack.close();
            throw e;
        }
    }

    /** The last lines of every process's log, for a failure message. */
    static String tails(LocalStack stack) {
        return stack.processes().entrySet().stream().map(e -> "--- " + e.getKey() + "\n" + e.getValue().tail(20))
                .collect(Collectors.joining("\n"));
    }
}
