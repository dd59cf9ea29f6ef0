package io.tttdiscover.cli.command;

import io.tttdiscover.cli.trainer.TrainerClient;
import picocli.CommandLine.Option;

import java.time.Duration;

/** --retry-seconds, shared by the commands that talk to a trainer. */
final class RetryOption {
    @Option(names = "--retry-seconds", defaultValue = "120", description = "how long to keep retrying a trainer "
            + "that does not answer (restarting, overloaded) before failing (${DEFAULT-VALUE})")
    long seconds;

    TrainerClient.Retry retry() {
        if (seconds < 0) {
            throw new IllegalArgumentException("--retry-seconds must be >= 0, not " + seconds);
        }
        return TrainerClient.Retry.within(Duration.ofSeconds(seconds));
    }
}
