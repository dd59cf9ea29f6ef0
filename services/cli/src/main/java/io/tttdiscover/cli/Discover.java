package io.tttdiscover.cli;

import io.tttdiscover.cli.command.ReplayCommand;
import io.tttdiscover.cli.command.RunCommand;
import io.tttdiscover.cli.command.RunsCommand;
import io.tttdiscover.cli.command.SampleCommand;
import io.tttdiscover.cli.command.ShowCommand;
import io.tttdiscover.cli.command.SimulateCommand;
import io.tttdiscover.cli.command.StopCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code discover} command. */
@Command(name = "discover", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT, version = "ttt-discover 0.1.0",
        description = "TTT-Discover: test-time RL on hard code-optimization problems, over Kafka.",
        subcommands = {RunCommand.class, RunsCommand.class, ShowCommand.class, ReplayCommand.class,
                StopCommand.class, SampleCommand.class, SimulateCommand.class})
public final class Discover {

    public static void main(String[] args) {
        // The CLI's own Kafka client logs only errors: the console is for progress and results.
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka", "error");
        // The LLM backends log through JBoss Logging: to the same quiet console.
        System.setProperty("org.jboss.logging.provider", "slf4j");
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        return new CommandLine(new Discover())
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    cmd.getErr().println("discover: " + e.getMessage());
                    if (Boolean.getBoolean("discover.debug")) {
                        e.printStackTrace(cmd.getErr());
                    }
                    return 1;
                });
    }
}
