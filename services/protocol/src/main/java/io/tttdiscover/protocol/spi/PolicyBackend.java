package io.tttdiscover.protocol.spi;

import io.tttdiscover.protocol.event.CheckpointEvent;
import io.tttdiscover.protocol.event.PromptEvent;
import io.tttdiscover.protocol.pack.ProblemPack;

import java.util.List;

/**
 * Where the sampler's completions come from: the embedded program-space policy, an OpenAI-compatible server (vLLM,
 * SGLang) or Tinker. Implementations are blocking and thread-safe; the sampler calls them off the event loop.
 */
public interface PolicyBackend extends AutoCloseable {

    /** The configuration name that selects this backend ("embedded", "openai", "tinker"). */
    String name();

    /** A new policy version of a run: load it (hot-swap an adapter, open a sampling session, take parameters). */
    void onCheckpoint(CheckpointEvent checkpoint);

    /** The newest policy version loaded for a run, or -1. */
    long loadedVersion(String runId);

    /**
     * {@code prompt.samplesWanted()} completions of one prompt from the run's newest loaded policy.
     *
     * @throws BackendUnavailableException when the model server cannot be reached after retries; the prompt is then
     *                                     retried or dead-lettered, never silently dropped
     */
    List<Sample> sample(PromptEvent prompt, ProblemPack pack);

    @Override
    default void close() {
    }
}
