package io.tttdiscover.llm.tinker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tttdiscover.protocol.spi.AdamParams;
import io.tttdiscover.protocol.spi.Datum;
import io.tttdiscover.protocol.spi.ForwardBackwardResult;
import io.tttdiscover.protocol.spi.PolicyCheckpoint;
import io.tttdiscover.protocol.spi.TrainingSession;
import io.tttdiscover.protocol.spi.TrainingSpec;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One run's LoRA model on Tinker. Every operation on the model carries the next {@code seq_id} (1, 2, 3, ...), so the
 * server applies them in the order the trainer issued them.
 */
final class TinkerTrainingSession implements TrainingSession {
    private static final Logger LOG = Logger.getLogger(TinkerTrainingSession.class);
    static final int MAX_DATUMS_PER_REQUEST = 1024;
    static final int MAX_BYTES_PER_REQUEST = 5_000_000;

    private final TinkerClient client;
    private final String modelId;
    private final String baseModel;
    private final int saveStateEvery;
    private final AtomicLong seq = new AtomicLong();
    private final ExecutorService kl = Executors.newFixedThreadPool(8, r -> {
        Thread t = new Thread(r, "tinker-base-logprobs");
        t.setDaemon(true);
        return t;
    });
    private PolicyCheckpoint initial;
    private volatile boolean klUnsupported;
    private TinkerSampling baseSampling;

    private TinkerTrainingSession(TinkerClient client, String modelId, String baseModel, int saveStateEvery) {
        this.client = client;
        this.modelId = modelId;
        this.baseModel = baseModel;
        this.saveStateEvery = saveStateEvery;
    }

    /**
     * Creates the run's model and loads its starting point: the newest saved training state when resuming, else the
     * warm-start state (weights only, a fresh optimizer), else nothing (a fresh adapter).
     */
    static TinkerTrainingSession open(TinkerClient client, TrainingSpec spec, String baseModel,
                                      PolicyCheckpoint resumeFrom, int saveStateEvery) {
        boolean warmStart = spec.warmStartUri() != null && !spec.warmStartUri().isBlank();
        int rank = warmStart ? rankOf(client, spec.warmStartUri(), spec.loraRank()) : spec.loraRank();
        ObjectNode create = TinkerClient.object();
        create.put("session_id", client.session());
        create.put("model_seq_id", client.nextModelSeqId());
        create.put("base_model", baseModel);
        ObjectNode lora = create.putObject("lora_config");
        lora.put("rank", rank);
        lora.put("seed", spec.seed());
        lora.put("train_unembed", true);
        lora.put("train_mlp", true);
        lora.put("train_attn", true);
        create.putObject("user_metadata").put("run_id", spec.runId());
        create.put("type", "create_model");
        String modelId = client.request("create_model", create, Map.of()).path("model_id").asText(null);
        if (modelId == null) {
            throw new TinkerException("server", "create_model answered without a model_id", null);
        }
        TinkerTrainingSession session = new TinkerTrainingSession(client, modelId, baseModel, saveStateEvery);
        long version = 0;
        String resumeState = resumeFrom == null ? null : stateOf(resumeFrom, saveStateEvery);
        if (resumeState != null) {
            session.loadWeights(resumeState, true);
            version = resumeFrom.version();
        } else if (warmStart) {
            session.loadWeights(spec.warmStartUri(), false);
        }
        session.initial = session.saveForSampler(version);
        LOG.infof("run %s: Tinker model %s (%s, rank %d), starting at version %d from %s", spec.runId(), modelId,
                baseModel, rank, version, resumeState != null ? resumeState
                        : spec.warmStartUri() != null ? spec.warmStartUri() : "a fresh adapter");
        return session;
    }

    /**
     * The adapter rank of a saved checkpoint, as the server reports it ({@code weights_info}, as the SDK reads it before
     * loading a state): a warm start must create a model of the checkpoint's shape, whatever rank the run asked for.
     * A server without the endpoint leaves the run's rank.
     */
    static int rankOf(TinkerClient client, String tinkerPath, int requested) {
        JsonNode info;
        try {
            info = client.request("weights_info", TinkerClient.object().put("tinker_path", tinkerPath), Map.of());
        } catch (TinkerException e) {
            LOG.warnf("weights_info of %s failed (%s); assuming the run's LoRA rank %d", tinkerPath, e.getMessage(),
                    requested);
            return requested;
        }
        if (!info.path("lora_rank").canConvertToInt() || info.path("lora_rank").isNull()) {
            return requested;
        }
        int rank = info.get("lora_rank").asInt();
        if (rank != requested) {
            LOG.warnf("%s is a rank-%d adapter; the run asked for rank %d: creating the model with rank %d",
                    tinkerPath, rank, requested, rank);
        }
        return rank;
    }

    /**
     * The training state saved with (or, with {@code saveStateEvery > 1}, before) a published sampler checkpoint:
     * {@code tinker://<model>/sampler_weights/<n>} -> {@code tinker://<model>/weights/<m>}; null when none exists.
     */
    static String stateOf(PolicyCheckpoint checkpoint, int saveStateEvery) {
        String uri = checkpoint.weightsUri();
        int at = uri == null ? -1 : uri.indexOf("/sampler_weights/");
        long saved = checkpoint.version() / saveStateEvery * saveStateEvery;
        if (at < 0 || saved <= 0) {
            return null;
        }
        return uri.substring(0, at) + "/weights/" + name(saved);
    }

    static String name(long version) {
        return String.format(Locale.ROOT, "%06d", version);
    }

    String modelId() {
        return modelId;
    }

    @Override
    public PolicyCheckpoint initialCheckpoint() {
        return initial;
    }

    /**
     * logp_base of every completion token, from a base-model sampling session with prompt logprobs on. A server that
     * cannot compute prompt logprobs (SkyRL) switches the KL term off: the sampler's own logprobs come back, so every
     * d_t is 0, and a warning says so once.
     */
    @Override
    public List<List<Double>> baseLogprobs(List<Datum> data) {
        if (klUnsupported) {
            return data.stream().map(Datum::samplerLogprobs).toList();
        }
        TinkerSampling base = base();
        List<CompletableFuture<List<Double>>> futures = new ArrayList<>();
        for (Datum d : data) {
            futures.add(CompletableFuture.supplyAsync(() -> {
                List<Integer> all = new ArrayList<>(d.promptTokens());
                all.addAll(d.completionTokens());
                List<Double> lps = base.promptLogprobs(all);
                return List.copyOf(lps.subList(d.promptTokens().size(), all.size()));
            }, kl));
        }
        try {
            return joinAll(futures);
        } catch (PromptLogprobsUnsupportedException e) {
            klUnsupported = true;
            LOG.warnf("KL-to-base is OFF for model %s: %s. kl_policy_base will read 0 and the KL coefficient has no "
                    + "effect; run with klCoef 0 on this server, or sample base logprobs from a server that has them.",
                    modelId, e.getMessage());
            return data.stream().map(Datum::samplerLogprobs).toList();
        }
    }

    private synchronized TinkerSampling base() {
        if (baseSampling == null) {
            baseSampling = TinkerSampling.ofBaseModel(client, baseModel, 0);
        }
        return baseSampling;
    }

    @Override
    public ForwardBackwardResult forwardBackward(List<Datum> data) {
        List<List<Double>> learner = new ArrayList<>(data.size());
        List<JsonNode> chunkMetrics = new ArrayList<>();
        List<Integer> chunkSizes = new ArrayList<>();
        for (List<Integer> chunk : chunks(data)) {
            // Exactly the SDK's three fields: its request models forbid unknown ones (no "type" here).
            ObjectNode body = TinkerClient.object();
            ObjectNode input = body.putObject("forward_backward_input");
            ArrayNode datums = input.putArray("data");
            chunk.forEach(i -> datums.add(wire(TokenLevelData.of(data.get(i)))));
            input.put("loss_fn", "importance_sampling");
            body.put("model_id", modelId);
            body.put("seq_id", seq.incrementAndGet());
            JsonNode result = client.request("forward_backward", body, Map.of());
            JsonNode outputs = result.path("loss_fn_outputs");
            if (outputs.size() != chunk.size()) {
                throw new TinkerException("server", "forward_backward returned " + outputs.size()
                        + " outputs for " + chunk.size() + " datums", null);
            }
            for (int k = 0; k < chunk.size(); k++) {
                Datum d = data.get(chunk.get(k));
                List<Double> all = new ArrayList<>();
                outputs.get(k).path("logprobs").path("data").forEach(x -> all.add(x.asDouble()));
                int from = TokenLevelData.firstCompletionPosition(d);
                learner.add(List.copyOf(all.subList(from, from + d.completionTokens().size())));
            }
            chunkMetrics.add(result.path("metrics"));
            chunkSizes.add(chunk.size());
        }
        Map<String, Double> metrics = SplitMetrics.reduce(chunkMetrics, chunkSizes);
        Double reported = metrics.get("loss:sum");
        double loss = reported != null ? reported : importanceSamplingLoss(data, learner);
        return new ForwardBackwardResult(loss, learner, metrics);
    }

    /** {@code -sum_t exp(logp_theta - logp_sampler) * A_t}, when the server reports no loss of its own. */
    static double importanceSamplingLoss(List<Datum> data, List<List<Double>> learner) {
        double loss = 0;
        for (int i = 0; i < data.size(); i++) {
            Datum d = data.get(i);
            for (int t = 0; t < d.completionTokens().size(); t++) {
                loss -= Math.exp(learner.get(i).get(t) - d.samplerLogprobs().get(t)) * d.advantages().get(t);
            }
        }
        return loss;
    }

    /** Datum indices per request: at most 1024 datums and about 5 MB each. */
    static List<List<Integer>> chunks(List<Datum> data) {
        List<List<Integer>> out = new ArrayList<>();
        List<Integer> current = new ArrayList<>();
        long bytes = 0;
        for (int i = 0; i < data.size(); i++) {
            long size = estimatedBytes(data.get(i));
            if (!current.isEmpty() && (current.size() >= MAX_DATUMS_PER_REQUEST || bytes + size > MAX_BYTES_PER_REQUEST)) {
                out.add(current);
                current = new ArrayList<>();
                bytes = 0;
            }
            current.add(i);
            bytes += size;
        }
        if (!current.isEmpty()) {
            out.add(current);
        }
        return out;
    }

    /** Per position: an input and a target token (~7 characters each) and two float32 values (~12 each). */
    static long estimatedBytes(Datum d) {
        return 40L * (d.promptTokens().size() + d.completionTokens().size()) + 300;
    }

    static ObjectNode wire(TokenLevelData t) {
        ObjectNode datum = TinkerClient.object();
        ArrayNode chunks = datum.putObject("model_input").putArray("chunks");
        ObjectNode chunk = chunks.addObject();
        chunk.put("type", "encoded_text");
        ArrayNode tokens = chunk.putArray("tokens");
        t.modelInput().forEach(tokens::add);
        ObjectNode inputs = datum.putObject("loss_fn_inputs");
        ObjectNode target = inputs.putObject("target_tokens");
        ArrayNode targetData = target.putArray("data");
        t.targetTokens().forEach(targetData::add);
        target.put("dtype", "int64");
        target.putArray("shape").add(t.targetTokens().size());
        inputs.set("logprobs", float32(t.logprobs()));
        inputs.set("advantages", float32(t.advantages()));
        return datum;
    }

    private static ObjectNode float32(List<Double> values) {
        ObjectNode tensor = TinkerClient.object();
        ArrayNode data = tensor.putArray("data");
        values.forEach(v -> data.add(v.floatValue()));
        tensor.put("dtype", "float32");
        tensor.putArray("shape").add(values.size());
        return tensor;
    }

    @Override
    public void optimStep(AdamParams adam) {
        ObjectNode body = TinkerClient.object();
        ObjectNode params = body.putObject("adam_params");
        params.put("learning_rate", adam.learningRate());
        params.put("beta1", adam.beta1());
        params.put("beta2", adam.beta2());
        params.put("eps", adam.eps());
        params.put("weight_decay", adam.weightDecay());
        params.put("grad_clip_norm", adam.gradClipNorm());
        body.put("model_id", modelId);
        body.put("seq_id", seq.incrementAndGet());
        body.put("type", "optim_step");
        client.request("optim_step", body, Map.of());
    }

    /** Sampler weights every version; the full training state (for resuming) every {@code saveStateEvery}. */
    @Override
    public PolicyCheckpoint saveForSampler(long version) {
        String path = save("save_weights_for_sampler", name(version));
        if (version > 0 && version % saveStateEvery == 0) {
            save("save_weights", name(version));
        }
        return new PolicyCheckpoint(version, path, null);
    }

    private String save(String operation, String name) {
        ObjectNode body = TinkerClient.object();
        body.put("model_id", modelId);
        body.put("path", name);
        body.put("seq_id", seq.incrementAndGet());
        body.put("type", operation);
        String path = client.request(operation, body, Map.of()).path("path").asText(null);
        if (path == null) {
            throw new TinkerException("server", operation + " answered without a path", null);
        }
        return path;
    }

    private void loadWeights(String path, boolean optimizer) {
        ObjectNode body = TinkerClient.object();
        body.put("model_id", modelId);
        body.put("path", path);
        body.put("optimizer", optimizer);
        body.put("seq_id", seq.incrementAndGet());
        body.put("type", "load_weights");
        client.request("load_weights", body, Map.of());
    }

    private static <T> List<T> joinAll(List<CompletableFuture<T>> futures) {
        try {
            return futures.stream().map(CompletableFuture::join).toList();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    @Override
    public void close() {
        kl.shutdownNow();
    }
}
