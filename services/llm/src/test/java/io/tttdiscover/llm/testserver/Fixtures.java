package io.tttdiscover.llm.testserver;

import io.tttdiscover.protocol.event.CheckpointEvent;
import io.tttdiscover.protocol.event.ParentState;
import io.tttdiscover.protocol.event.PromptEvent;
import io.tttdiscover.protocol.pack.ProblemPack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A small problem pack on disk and the events the backends receive. */
public final class Fixtures {
    public static final String PROGRAM = "import torch\n\ndef custom_kernel(data):\n    return data[0]";

    private Fixtures() {
    }

    public static ProblemPack pack(Path dir) {
        try {
            Path p = Files.createDirectories(dir.resolve("toy"));
            Files.writeString(p.resolve("pack.yml"), "id: toy\ntarget_us: 1000\nprompt: prompt.md\n");
            Files.writeString(p.resolve("prompt.md"), "Make the toy kernel fast. Target: {{target_us}} us.\n\n"
                    + "{{parent_section}}\n");
            return ProblemPack.load(dir, "toy");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static PromptEvent prompt(String runId, int samples) {
        return new PromptEvent(1, "prompt-" + runId + "-1", runId, 1, 0, "toy",
                new ParentState("s0", "def custom_kernel(data):\n    return data", null, 2400.0), null, samples, 0,
                "cuda", null, 0L);
    }

    public static CheckpointEvent checkpoint(String runId, long version, String weightsUri) {
        return new CheckpointEvent(1, runId, (int) version, version, "tinker", weightsUri, null, null, 0L);
    }
}
