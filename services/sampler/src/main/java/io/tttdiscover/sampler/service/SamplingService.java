package io.tttdiscover.sampler.service;

import io.tttdiscover.protocol.event.CandidateEvent;
import io.tttdiscover.protocol.event.CheckpointEvent;
import io.tttdiscover.protocol.event.Event;
import io.tttdiscover.protocol.event.PromptEvent;
import io.tttdiscover.protocol.pack.ProblemPacks;
import io.tttdiscover.protocol.spi.BackendUnavailableException;
import io.tttdiscover.protocol.spi.PolicyBackend;
import io.tttdiscover.protocol.spi.Sample;
import io.tttdiscover.sampler.backend.EmbeddedPolicyBackend;
import io.tttdiscover.sampler.backend.PolicyBackends;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Where a prompt becomes candidates: waits for the prompt's policy version, samples, and names each candidate. */
@ApplicationScoped
public class SamplingService {
    private static final Logger LOG = Logger.getLogger(SamplingService.class);
    private static final long POLL_MS = 50;

    private final PolicyBackends backends;
    private final ProblemPacks packs;
    private final Duration policyWait;
    private final RecentIds processed;

    public SamplingService(PolicyBackends backends, ProblemPacks packs,
                           @ConfigProperty(name = "discover.sampler.policy-wait", defaultValue = "30s") Duration policyWait,
                           @ConfigProperty(name = "discover.sampler.dedupe-capacity", defaultValue = "10000") int dedupeCapacity) {
        this.backends = backends;
        this.packs = packs;
        this.policyWait = policyWait;
        this.processed = new RecentIds(dedupeCapacity);
    }

    public boolean alreadyProcessed(String promptId) {
        return processed.contains(promptId);
    }

    /** Remembers a prompt whose candidates were all published, so its redelivery is dropped. */
    public void markProcessed(String promptId) {
        processed.add(promptId);
    }

    public void onCheckpoint(CheckpointEvent checkpoint) {
        backends.active().onCheckpoint(checkpoint);
    }

    /**
     * The candidates of one prompt, ids {@code promptId-sampleIndex}.
     *
     * @throws BackendUnavailableException when the backend cannot serve, or the run has no policy at all after the
     *                                     wait; the prompt is then dead-lettered with the reason
     */
    public List<CandidateEvent> candidates(PromptEvent prompt) throws InterruptedException {
        PolicyBackend backend = backends.active();
        awaitPolicy(backend, prompt);
        List<Sample> samples = backend.sample(prompt, packs.get(prompt.problemId()));
        long now = System.currentTimeMillis();
        String parentStateId = prompt.parent() == null ? null : prompt.parent().stateId();
        List<CandidateEvent> out = new ArrayList<>(samples.size());
        for (int i = 0; i < samples.size(); i++) {
            Sample s = samples.get(i);
            out.add(new CandidateEvent(Event.CURRENT_SCHEMA, candidateId(prompt.promptId(), i), prompt.promptId(),
                    prompt.runId(), prompt.step(), prompt.group(), i, prompt.problemId(), parentStateId,
                    s.policyVersion(), backend.name(), s.program(), s.trace(), EmbeddedPolicyBackend.targetOf(prompt),
                    prompt.maskSemantics(), now));
        }
        return out;
    }

    public static String candidateId(String promptId, int sampleIndex) {
        return promptId + "-" + sampleIndex;
    }

    /**
     * The checkpoint of the prompt's version may still be in flight on the checkpoints topic: wait for it, bounded.
     * After the wait an older loaded version is used (the candidates carry the version and the sampler's logprobs,
     * so the trainer's importance weights stay correct); a run with no policy at all is an error.
     */
    private void awaitPolicy(PolicyBackend backend, PromptEvent prompt) throws InterruptedException {
        long deadline = System.nanoTime() + policyWait.toNanos();
        while (backend.loadedVersion(prompt.runId()) < prompt.policyVersion() && System.nanoTime() < deadline) {
            Thread.sleep(POLL_MS);
        }
        long loaded = backend.loadedVersion(prompt.runId());
        if (loaded < 0) {
            throw new BackendUnavailableException("no policy of run " + prompt.runId() + " loaded within "
                    + policyWait.toSeconds() + " s (prompt wants version " + prompt.policyVersion() + ")");
        }
        if (loaded < prompt.policyVersion()) {
            LOG.warnf("prompt %s wants policy %d of run %s; sampling from %d, the newest loaded after %d s",
                    prompt.promptId(), prompt.policyVersion(), prompt.runId(), loaded, policyWait.toSeconds());
        }
    }
}
