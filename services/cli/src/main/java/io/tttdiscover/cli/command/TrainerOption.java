package io.tttdiscover.cli.command;

import io.tttdiscover.cli.trainer.TrainerClient;
import picocli.CommandLine.Option;

/** --trainer, shared by the commands that talk to a running trainer. */
final class TrainerOption {
    @Option(names = "--trainer", defaultValue = "${env:DISCOVER_TRAINER_URL:-http://127.0.0.1:8081}",
            description = "trainer base URL (${DEFAULT-VALUE}; env DISCOVER_TRAINER_URL)")
    String url;

    TrainerClient client() {
        return new TrainerClient(url);
    }
}
