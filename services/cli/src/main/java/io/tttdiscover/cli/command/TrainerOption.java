package io.tttdiscover.cli.command;

import io.tttdiscover.cli.trainer.TrainerClient;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** --trainer (and --retry-seconds), shared by the commands that talk to a running trainer. */
final class TrainerOption {
    @Option(names = "--trainer", defaultValue = "${env:DISCOVER_TRAINER_URL:-http://127.0.0.1:8081}",
            description = "trainer base URL (${DEFAULT-VALUE}; env DISCOVER_TRAINER_URL)")
    String url;
    @Mixin
    RetryOption retry;

    /** Notes an outage of the trainer on stderr: stdout stays the command's answer. */
    TrainerClient client() {
        return new TrainerClient(url, retry.retry(), System.err::println, () -> { });
    }
}
