package io.tttdiscover.sampler.service;

import io.tttdiscover.protocol.event.CandidateEvent;
import io.tttdiscover.protocol.event.CheckpointEvent;
import io.tttdiscover.protocol.event.Event;
import io.tttdiscover.protocol.event.PromptEvent;
import io.tttdiscover.protocol.pack.ProblemPack;
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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Where a prompt becomes candidates: waits for the prompt's policy version, samples, and names each candidate. */
@ApplicationScoped
public class SamplingService {
    private static final Logger LOG = Logger.getLogger(SamplingService.class);
    private static final long POLL_MS = 50;

    private final PolicyBackends backends;
    private final ProblemPacks packs;
    private final Duration policyWait;
    private final RecentIds processed;
    /** Finished runs, each with how many of its prompts were dropped. */
    private final Map<String, AtomicInteger> finishedRuns = new ConcurrentHashMap<>();

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

    /** From the run-finished marker on, the run's prompts are dropped unsampled. */
    public void onRunFinished(CheckpointEvent marker) {
        if (finishedRuns.putIfAbsent(marker.runId(), new AtomicInteger()) == null) {
            LOG.infof("run %s %s: its prompts are dropped from now on", marker.runId(), marker.finished());
        }
    }

    public boolean runFinished(String runId) {
        return finishedRuns.containsKey(runId);
    }

    /** True when the prompt's run has finished, so it must not be sampled; says so once per run. */
    public boolean dropsFinished(PromptEvent prompt) {
        AtomicInteger dropped = finishedRuns.get(prompt.runId());
        if (dropped == null) {
            return false;
        }
        if (dropped.getAndIncrement() == 0) {
            LOG.infof("run %s has finished: dropping its prompts unsampled (first: %s)", prompt.runId(),
                    prompt.promptId());
        } else {
            LOG.debugf("prompt %s of finished run %s dropped", prompt.promptId(), prompt.runId());
        }
        return true;
    }

    /**
     * The candidates of one prompt, ids {@code promptId-sampleIndex}.
     *
     * @throws BackendUnavailableException when the backend cannot serve, or the run has no policy at all after the
     *                                     wait; the prompt is then dead-lettered with the reason
     */
    public List<CandidateEvent> candidates(PromptEvent prompt) throws InterruptedException {
        PolicyBackend backend = backends.active();
        ProblemPack pack = packs.get(prompt.problemId());
        awaitPolicy(backend, prompt);
        List<Sample> samples = backend.sample(prompt, pack);
        long now = System.currentTimeMillis();
        String parentStateId = prompt.parent() == null ? null : prompt.parent().stateId();
        List<CandidateEvent> out = new ArrayList<>(samples.size());
        for (int i = 0; i < samples.size(); i++) {
            Sample s = samples.get(i);
            CandidateEvent c = new CandidateEvent(Event.CURRENT_SCHEMA, candidateId(prompt.promptId(), i),
                    prompt.promptId(), prompt.runId(), prompt.step(), prompt.group(), i, prompt.problemId(),
                    parentStateId, s.policyVersion(), backend.name(), s.program(), s.trace(),
                    EmbeddedPolicyBackend.targetOf(prompt), prompt.maskSemantics(), now);
            out.add(withinLimit(c, pack.maxProgramBytes()));
        }
        return out;
    }

    /**
     * A program over the pack's limit travels no further than here: its candidate carries the size and SHA-256
     * instead (and its trace, so the policy still learns from it), and the evaluator answers it with a REJECTED
     * reward.
     */
    private static CandidateEvent withinLimit(CandidateEvent c, int maxProgramBytes) {
        if (c.programSize() <= maxProgramBytes) {
            return c;
        }
        CandidateEvent stripped = c.withoutProgram();
        LOG.warnf("candidate %s: program of %d bytes is over the limit of %d of %s; sent without its text",
                c.candidateId(), stripped.programBytes(), maxProgramBytes, c.problemId());
        return stripped;
    }

    public static String candidateId(String promptId, int sampleIndex) {
        return CandidateEvent.idOf(promptId, sampleIndex);
    }

    /**
     * The checkpoint of the prompt's version may still be in flight on the checkpoints topic: wait for it, bounded.
     * After the wait an older loaded version of the same run is used (the candidates carry the version and the
     * sampler's logprobs, so the trainer's importance weights stay correct). A run of which no checkpoint at all
     * arrived is unknown here: its prompt is dead-lettered, never sampled from a base model or another run's policy.
     */
    private void awaitPolicy(PolicyBackend backend, PromptEvent prompt) throws InterruptedException {
        long deadline = System.nanoTime() + policyWait.toNanos();
        while (backend.loadedVersion(prompt.runId()) < prompt.policyVersion() && System.nanoTime() < deadline) {
            Thread.sleep(POLL_MS);
        }
        long loaded = backend.loadedVersion(prompt.runId());
        if (loaded < 0) {
            throw new BackendUnavailableException("unknown run " + prompt.runId() + ": no policy of it loaded within "
                    + policyWait.toSeconds() + " s (prompt " + prompt.promptId() + " wants version "
                    + prompt.policyVersion() + "); not sampled");
        }
        if (loaded < prompt.policyVersion()) {
            LOG.warnf("prompt %s wants policy %d of run %s; sampling from %d, the newest loaded after %d s",
                    prompt.promptId(), prompt.policyVersion(), prompt.runId(), loaded, policyWait.toSeconds());
        }
    }
}
