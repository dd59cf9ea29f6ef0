package io.tttdiscover.llm.tinker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tttdiscover.llm.harmony.HarmonyRenderer;
import io.tttdiscover.llm.harmony.HarmonyTokenizer;
import io.tttdiscover.llm.sampling.Generation;
import io.tttdiscover.llm.sampling.LlmConfig;
import io.tttdiscover.llm.sampling.RolloutSampler;
import io.tttdiscover.llm.sampling.SamplingSettings;
import io.tttdiscover.llm.sampling.TwoPhaseSampler;
import io.tttdiscover.protocol.event.CheckpointEvent;
import io.tttdiscover.protocol.event.PromptEvent;
import io.tttdiscover.protocol.pack.ProblemPack;
import io.tttdiscover.protocol.spi.PolicyBackend;
import io.tttdiscover.protocol.spi.Sample;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.StreamSupport;

/**
 * Samples from Tinker's native API: each checkpoint's {@code tinker://.../sampler_weights/...} path opens a sampling
 * session, and rollouts go through {@code asample} futures (with the sampling backpressure header).
 */
@ApplicationScoped
public class TinkerPolicyBackend implements PolicyBackend {
    private static final Logger LOG = Logger.getLogger(TinkerPolicyBackend.class);

    private final TinkerClient client;
    private final String baseModel;
    private final RolloutSampler rollouts;
    private final ExecutorService phase2;
    private final Map<String, TinkerSampling> loaded = new ConcurrentHashMap<>();
    private volatile TinkerSampling base;

    @Inject
    public TinkerPolicyBackend(TinkerConfig config, LlmConfig llm) {
        this(config.settings(), config.baseModel(), llm.sampling(),
                new HarmonyRenderer(new HarmonyTokenizer(), llm.reasoningEffort(), llm.currentDate().orElse(null)));
    }

    /** The paper's rendering (reasoning high, today's date). */
    public TinkerPolicyBackend(TinkerSettings settings, String baseModel, SamplingSettings sampling,
                               String reasoningEffort) {
        this(settings, baseModel, sampling, new HarmonyRenderer(new HarmonyTokenizer(), reasoningEffort, null));
    }

    public TinkerPolicyBackend(TinkerSettings settings, String baseModel, SamplingSettings sampling,
                               HarmonyRenderer renderer) {
        this.client = new TinkerClient(settings);
        this.baseModel = baseModel;
        this.phase2 = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "tinker-phase2");
            t.setDaemon(true);
            return t;
        });
        this.rollouts = new RolloutSampler(renderer, new TwoPhaseSampler(renderer.tokenizer(), sampling, phase2));
    }

    @Override
    public String name() {
        return "tinker";
    }

    @Override
    public void onCheckpoint(CheckpointEvent checkpoint) {
        TinkerSampling current = loaded.get(checkpoint.runId());
        if (current != null && current.version() >= checkpoint.policyVersion()) {
            return;
        }
        TinkerSampling next = checkpoint.weightsUri() == null || checkpoint.weightsUri().isBlank()
                ? TinkerSampling.ofBaseModel(client, baseModel, checkpoint.policyVersion())
                : TinkerSampling.ofModelPath(client, checkpoint.weightsUri(), checkpoint.policyVersion());
        loaded.put(checkpoint.runId(), next);
        LOG.infof("run %s: sampling version %d from %s", checkpoint.runId(), checkpoint.policyVersion(),
                checkpoint.weightsUri() == null ? baseModel : checkpoint.weightsUri());
    }

    @Override
    public long loadedVersion(String runId) {
        TinkerSampling s = loaded.get(runId);
        return s == null ? -1 : s.version();
    }

    @Override
    public List<Sample> sample(PromptEvent prompt, ProblemPack pack) {
        TinkerSampling s = loaded.get(prompt.runId());
        if (s == null) {
            s = baseSampling();
        }
        TinkerSampling session = s;
        return rollouts.sample((tokens, n, maxTokens, seed) -> session.generate(tokens, n, maxTokens, seed),
                prompt, pack, session.version());
    }

    private synchronized TinkerSampling baseSampling() {
        if (base == null) {
            base = TinkerSampling.ofBaseModel(client, baseModel, 0);
        }
        return base;
    }

    @PreDestroy
    @Override
    public void close() {
        phase2.shutdownNow();
        client.close();
    }

    /** The generations of an {@code asample} result. */
    static List<Generation> generations(JsonNode result) {
        return StreamSupport.stream(result.path("sequences").spliterator(), false)
                .map(seq -> {
                    List<Integer> tokens = new ArrayList<>();
                    seq.path("tokens").forEach(t -> tokens.add(t.asInt()));
                    List<Double> logprobs = new ArrayList<>();
                    seq.path("logprobs").forEach(l -> logprobs.add(l.asDouble()));
                    return new Generation(tokens, logprobs, "stop".equals(seq.path("stop_reason").asText()));
                })
                .toList();
    }

    static ObjectNode samplingParams(ObjectNode parent, int maxTokens, Long seed) {
        ObjectNode params = parent.putObject("sampling_params");
        params.put("max_tokens", maxTokens);
        params.put("temperature", 1.0);
        params.put("top_k", -1);
        params.put("top_p", 1.0);
        var stop = params.putArray("stop");
        HarmonyTokenizer.STOP_TOKENS.forEach(stop::add);
        if (seed == null) {
            params.putNull("seed");
        } else {
            params.put("seed", seed);
        }
        return params;
    }
}
