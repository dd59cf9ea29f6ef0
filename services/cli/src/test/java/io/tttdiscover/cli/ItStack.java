package io.tttdiscover.cli;

import io.tttdiscover.cli.local.Database;
import io.tttdiscover.cli.local.LocalStack;
import io.tttdiscover.cli.local.Ports;
import io.tttdiscover.cli.local.PythonEnvironment;
import io.tttdiscover.cli.local.StackOptions;
import io.tttdiscover.cli.local.Workspace;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What the end-to-end tests share: the repository, the skip when the services are not packaged or Python lacks
 * torch, a database of their own, and a local stack started from scratch as {@code discover run --fresh} starts it,
 * or the one stack ({@link Shared}) of the tests that need nothing of their own from it.
 */
final class ItStack {
    static final Path REPO = Path.of(System.getProperty("discover.home", "../..")).toAbsolutePath().normalize();
    /**
     * The evaluator's environment for the end-to-end tests, none of which judges an absolute runtime: two timed calls
     * per benchmark, each still checked ({@code discover.evaluator.max-timed-runs}), about half an evaluation's time
     * on the CPU. The pack's full timing loop runs in the evaluator's own tests.
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

    /**
     * One stack, quick evaluator included, for the tests that take a {@link LocalStack} parameter: each starts runs of
     * its own on it and judges only those. Started by the first test that asks, stopped when the last test of the
     * run has finished (JUnit's root store closes it); the tests it serves are skipped, before it starts, where the
     * services cannot run.
     */
    static final class Shared implements BeforeEachCallback, ParameterResolver {
        @Override
        public void beforeEach(ExtensionContext context) {
            assumeRunnable();
        }

        @Override
        public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
            return parameter.getParameter().getType() == LocalStack.class;
        }

        @Override
        public LocalStack resolveParameter(ParameterContext parameter, ExtensionContext context) {
            return context.getRoot().getStore(ExtensionContext.Namespace.create(Shared.class)).computeIfAbsent(
                    "stack", key -> start("shared", new StackOptions(database("discover_shared_it"), null, Map.of(),
                            Map.of("evaluator", QUICK_EVALUATOR))), LocalStack.class);
        }
    }

    /** The last lines of every process's log, for a failure message. */
    static String tails(LocalStack stack) {
        return stack.processes().entrySet().stream().map(e -> "--- " + e.getKey() + "\n" + e.getValue().tail(20))
                .collect(Collectors.joining("\n"));
    }
}
