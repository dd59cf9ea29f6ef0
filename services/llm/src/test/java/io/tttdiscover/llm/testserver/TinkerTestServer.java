package io.tttdiscover.llm.testserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.luben.zstd.Zstd;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Tinker-compatible service as the SDK sees it, in one of three dialects: a session, futures behind
 * {@code retrieve_future} (long-polled: a poll on a pending future is held open, then answered "try again"), LoRA
 * models whose operations must arrive with strictly increasing {@code seq_id}, sampler checkpoints as
 * {@code tinker://} paths, sampling sessions, {@code weights_info}. Strict dialects validate bodies the way the SDK's
 * request models do (unknown fields and wrong {@code type} literals are a 422). A script of poll answers
 * ({@code try_again}, 408, 410) and injected statuses exercise the retry rules.
 */
public final class TinkerTestServer extends JsonServer {
    private static final String SESSION = "3f9c2a4e-0000-4000-8000-000000000001";
    private static final String PROTOBUF = "application/x-protobuf";

    /**
     * @param strict             reject unknown fields as the SDK's StrictBase models do (TuFT validates with them)
     * @param requiresKey        401 without {@code X-API-Key}
     * @param clientConfig       serves {@code /api/v1/client/config}; the flags it answers
     * @param jsonForwardBackward accepts forward_backward as JSON (else 415)
     * @param promptLogprobs     asample computes prompt logprobs (SkyRL's does not)
     * @param heldPollMillis     how long a poll on a pending future is held open (scaled down from 120-300 s)
     * @param pendingAnswer      what a held poll answers at the end: "try_again" or "408"
     */
    public record Dialect(String name, boolean strict, boolean requiresKey, JsonNode clientConfig,
                          boolean jsonForwardBackward, boolean promptLogprobs, long heldPollMillis,
                          String pendingAnswer) {
        /** The hosted service: client config asking for zstd-compressed protobuf, strict models, an API key. */
        public static final Dialect HOSTED = new Dialect("hosted", true, true,
                JSON.createObjectNode().put("proto_compress_fwdbwd", true).put("fwdbwd_max_chunk_len", 1024),
                true, true, 50, "try_again");
        /** SkyRL's skyrl.tinker.api: JSON or protobuf, unknown fields ignored, no key check, no prompt logprobs. */
        public static final Dialect SKYRL = new Dialect("skyrl", false, false, null, true, false, 1500, "try_again");
        /** TuFT: API key required, SDK 0.25 strict models, forward_backward protobuf only. */
        public static final Dialect TUFT = new Dialect("tuft", true, true, null, false, true, 1200, "408");

        public Dialect holdingPolls(long millis) {
            return new Dialect(name, strict, requiresKey, clientConfig, jsonForwardBackward, promptLogprobs, millis,
                    pendingAnswer);
        }
    }

    private record Pending(JsonNode result, long readyAt) {
    }

    /** Fields each request model allows (SDK 0.25 types); nested models by "operation.field". */
    private static final Map<String, Set<String>> FIELDS = Map.ofEntries(
            Map.entry("client/config", Set.of("sdk_version")),
            Map.entry("create_session", Set.of("tags", "user_metadata", "sdk_version", "project_id", "type")),
            Map.entry("session_heartbeat", Set.of("session_id", "type")),
            Map.entry("create_model", Set.of("session_id", "model_seq_id", "base_model", "user_metadata",
                    "lora_config", "type")),
            Map.entry("create_model.lora_config", Set.of("rank", "seed", "train_unembed", "train_mlp", "train_attn")),
            Map.entry("forward_backward", Set.of("forward_backward_input", "model_id", "seq_id")),
            Map.entry("forward_backward.forward_backward_input", Set.of("data", "loss_fn", "loss_fn_config")),
            Map.entry("optim_step", Set.of("adam_params", "model_id", "seq_id", "type")),
            Map.entry("optim_step.adam_params", Set.of("learning_rate", "beta1", "beta2", "eps", "weight_decay",
                    "grad_clip_norm")),
            Map.entry("save_weights", Set.of("model_id", "path", "seq_id", "ttl_seconds", "overwrite", "type")),
            Map.entry("save_weights_for_sampler", Set.of("model_id", "path", "sampling_session_seq_id", "seq_id",
                    "ttl_seconds", "type")),
            Map.entry("load_weights", Set.of("model_id", "seq_id", "session_id", "model_seq_id", "base_model",
                    "user_metadata", "path", "optimizer", "weights_access_token", "type")),
            Map.entry("create_sampling_session", Set.of("session_id", "sampling_session_seq_id", "base_model",
                    "model_path", "type")),
            Map.entry("asample", Set.of("num_samples", "prompt", "sampling_params", "base_model", "model_path",
                    "sampling_session_id", "seq_id", "prompt_logprobs", "topk_prompt_logprobs", "type")),
            Map.entry("asample.prompt", Set.of("chunks")),
            Map.entry("asample.sampling_params", Set.of("max_tokens", "seed", "stop", "temperature", "top_k",
                    "top_p")),
            Map.entry("retrieve_future", Set.of("request_id", "allow_metadata_only")),
            Map.entry("weights_info", Set.of("tinker_path")));
    private static final Map<String, String> TYPES = Map.of("create_session", "create_session",
            "session_heartbeat", "session_heartbeat", "create_model", "create_model", "optim_step", "optim_step",
            "save_weights", "save_weights", "save_weights_for_sampler", "save_weights_for_sampler",
            "load_weights", "load_weights", "create_sampling_session", "create_sampling_session", "asample", "sample");

    private final Dialect dialect;
    private final AtomicInteger ids = new AtomicInteger();
    private final AtomicInteger models = new AtomicInteger();
    private final Map<String, Pending> futures = new ConcurrentHashMap<>();
    private final Map<String, Long> lastSeq = new ConcurrentHashMap<>();
    private final Map<String, Integer> modelRanks = new ConcurrentHashMap<>();
    private final Map<String, String> samplingSessions = new ConcurrentHashMap<>();
    private final Deque<String> pollScript = new ArrayDeque<>();
    public final List<String> violations = new CopyOnWriteArrayList<>();
    private volatile ScriptedModel model;
    private volatile long operationMillis;
    private volatile int seedRank = 32;

    public TinkerTestServer(ScriptedModel model) {
        this(model, Dialect.HOSTED);
    }

    public TinkerTestServer(ScriptedModel model, Dialect dialect) {
        this.model = model;
        this.dialect = dialect;
    }

    public Dialect dialect() {
        return dialect;
    }

    public void model(ScriptedModel model) {
        this.model = model;
    }

    /** Every training and sampling operation takes this long before its future resolves. */
    public void operationMillis(long millis) {
        this.operationMillis = millis;
    }

    /** The LoRA rank {@code weights_info} reports for checkpoints of models this server did not create. */
    public void seedRank(int rank) {
        this.seedRank = rank;
    }

    /** The next polls answer, in order: "try_again", "408", "410" (the future is forgotten). */
    public void scriptPolls(String... answers) {
        synchronized (pollScript) {
            pollScript.addAll(List.of(answers));
        }
    }

    /** Where a sampling session samples from (model_path or base_model). */
    public String samplingSource(String samplingSessionId) {
        return samplingSessions.get(samplingSessionId);
    }

    @Override
    protected void admit(String path, Map<String, String> headers) {
        if (dialect.requiresKey() && path.startsWith("/api/v1/") && !path.endsWith("/healthz")) {
            String key = headers.get("x-api-key");
            if (key == null || key.isBlank()) {
                throw new Refused(401, "{\"detail\":\"Missing API key\"}");
            }
        }
    }

    @Override
    protected JsonNode read(String path, Map<String, String> headers, byte[] raw) throws IOException {
        byte[] body = raw;
        if ("zstd".equals(headers.get("content-encoding"))) {
            body = Zstd.decompress(raw, (int) Zstd.getFrameContentSize(raw));
        }
        boolean protobuf = String.valueOf(headers.get("content-type")).startsWith(PROTOBUF);
        if (path.equals("/api/v1/forward_backward")) {
            if (protobuf) {
                return ProtoReader.forwardBackwardRequest(body);
            }
            if (!dialect.jsonForwardBackward()) {
                throw new Refused(415, "{\"detail\":\"forward_backward takes application/x-protobuf\"}");
            }
        } else if (protobuf) {
            throw new Refused(415, "{\"detail\":\"JSON expected\"}");
        }
        return super.read(path, headers, body);
    }

    @Override
    protected Reply answer(String path, JsonNode body) {
        String op = path.startsWith("/api/v1/") ? path.substring("/api/v1/".length()) : path;
        if (dialect.strict()) {
            String problem = validate(op, body);
            if (problem != null) {
                violations.add(op + ": " + problem);
                return new Reply(422, JSON.createObjectNode().set("detail", JSON.createArrayNode().add(
                        JSON.createObjectNode().put("type", "extra_forbidden").put("msg", problem))).toString());
            }
        }
        return switch (op) {
            case "client/config" -> dialect.clientConfig() == null ? new Reply(404, "{\"detail\":\"Not Found\"}")
                    : Reply.json(dialect.clientConfig());
            case "create_session" -> Reply.json(JSON.createObjectNode().put("session_id", SESSION));
            case "session_heartbeat" -> Reply.json(JSON.createObjectNode().put("type", "session_heartbeat"));
            case "create_sampling_session" -> {
                String id = SESSION + ":sample:" + samplingSessions.size();
                samplingSessions.put(id, body.has("model_path") ? body.path("model_path").asText()
                        : "base:" + body.path("base_model").asText());
                yield Reply.json(JSON.createObjectNode().put("sampling_session_id", id));
            }
            case "retrieve_future" -> retrieve(body.path("request_id").asText());
            case "create_model" -> {
                String id = SESSION + ":train:" + models.getAndIncrement();
                modelRanks.put(id, body.path("lora_config").path("rank").asInt());
                yield future(JSON.createObjectNode().put("model_id", id), null);
            }
            case "weights_info" -> weightsInfo(body.path("tinker_path").asText());
            case "forward_backward", "optim_step", "save_weights_for_sampler", "save_weights", "load_weights" ->
                    modelOperation(op, body);
            case "asample" -> {
                if (!samplingSessions.containsKey(body.path("sampling_session_id").asText())) {
                    yield new Reply(400, "{\"error\":\"unknown sampling session\",\"category\":\"user\"}");
                }
                yield future(sample(body), null);
            }
            default -> new Reply(404, "{\"detail\":\"Not Found\"}");
        };
    }

    /** What the SDK's strict request models would refuse: a field they do not declare, or a wrong type literal. */
    private static String validate(String op, JsonNode body) {
        String problem = unknownFields(op, body);
        if (problem == null && body.has("type") && TYPES.containsKey(op)
                && !TYPES.get(op).equals(body.path("type").asText())) {
            problem = "type must be '" + TYPES.get(op) + "', not " + body.get("type");
        }
        for (Iterator<String> it = body.fieldNames(); problem == null && it.hasNext(); ) {
            String field = it.next();
            if (FIELDS.containsKey(op + "." + field)) {
                problem = unknownFields(op + "." + field, body.get(field));
            }
        }
        return problem;
    }

    private static String unknownFields(String model, JsonNode body) {
        Set<String> allowed = FIELDS.get(model);
        if (allowed == null) {
            return null;
        }
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!allowed.contains(field)) {
                return model + ": extra field '" + field + "' not permitted";
            }
        }
        return null;
    }

    private Reply weightsInfo(String path) {
        if (!path.startsWith("tinker://")) {
            return new Reply(400, "{\"detail\":\"Invalid checkpoint reference\"}");
        }
        String owner = path.substring("tinker://".length(), path.indexOf('/', "tinker://".length()));
        Integer rank = modelRanks.getOrDefault(owner, seedRank);
        return Reply.json(JSON.createObjectNode().put("base_model", "openai/gpt-oss-120b").put("is_lora", true)
                .put("lora_rank", rank).put("train_unembed", true).put("train_mlp", true).put("train_attn", true));
    }

    private Reply modelOperation(String op, JsonNode body) {
        String modelId = body.path("model_id").asText();
        long seq = body.path("seq_id").asLong(-1);
        Long last = lastSeq.get(modelId);
        if (seq <= (last == null ? 0 : last)) {
            violations.add(op + " on " + modelId + " seq_id " + seq + " after " + last);
            return new Reply(400, "{\"error\":\"seq_id " + seq + " not after " + last + "\",\"category\":\"user\"}");
        }
        lastSeq.put(modelId, seq);
        ObjectNode result = JSON.createObjectNode();
        switch (op) {
            case "forward_backward" -> forwardBackward(body.path("forward_backward_input"), result);
            case "optim_step" -> result.putObject("metrics").put("optim/lr:mean", body.path("adam_params")
                    .path("learning_rate").asDouble());
            case "save_weights_for_sampler" -> result.put("path", "tinker://" + modelId + "/sampler_weights/"
                    + body.path("path").asText());
            case "save_weights" -> result.put("path", "tinker://" + modelId + "/weights/" + body.path("path").asText());
            case "load_weights" -> result.put("path", body.path("path").asText());
            default -> throw new IllegalStateException(op);
        }
        return future(result, modelId);
    }

    /** The learner's logprobs: the sampler's minus 0.1 on every position; loss as the importance-sampling sum. */
    private void forwardBackward(JsonNode input, ObjectNode result) {
        result.put("loss_fn_output_type", "ImportanceSamplingLossReturn");
        ArrayNode outputs = result.putArray("loss_fn_outputs");
        double loss = 0;
        for (JsonNode datum : input.path("data")) {
            JsonNode inputs = datum.path("loss_fn_inputs");
            int n = datum.path("model_input").path("chunks").get(0).path("tokens").size();
            for (String field : List.of("target_tokens", "logprobs", "advantages")) {
                if (inputs.path(field).path("data").size() != n || inputs.path(field).path("shape").get(0).asInt() != n) {
                    throw new IllegalArgumentException(field + " does not match model_input length " + n);
                }
            }
            ObjectNode lp = outputs.addObject().putObject("logprobs");
            ArrayNode data = lp.putArray("data");
            for (int t = 0; t < n; t++) {
                double sampler = inputs.path("logprobs").path("data").get(t).asDouble();
                double learner = sampler - 0.1;
                data.add(learner);
                loss -= Math.exp(learner - sampler) * inputs.path("advantages").path("data").get(t).asDouble();
            }
            lp.put("dtype", "float32");
            lp.putArray("shape").add(n);
        }
        result.putObject("metrics").put("loss:sum", loss).put("datums:sum", input.path("data").size());
    }

    private ObjectNode sample(JsonNode body) {
        List<Integer> prompt = new ArrayList<>();
        body.path("prompt").path("chunks").get(0).path("tokens").forEach(t -> prompt.add(t.asInt()));
        ObjectNode out = JSON.createObjectNode();
        out.put("type", "sample");
        ArrayNode sequences = out.putArray("sequences");
        for (int i = 0; i < body.path("num_samples").asInt(1); i++) {
            ScriptedModel.Output o = model.generate(prompt, body.path("sampling_params").path("max_tokens").asInt(), i);
            ObjectNode s = sequences.addObject();
            ArrayNode tokens = s.putArray("tokens");
            o.tokens().forEach(tokens::add);
            ArrayNode lps = s.putArray("logprobs");
            o.logprobs().forEach(lps::add);
            s.put("stop_reason", o.stopped() ? "stop" : "length");
        }
        if (body.path("prompt_logprobs").asBoolean() && dialect.promptLogprobs()) {
            ArrayNode plp = out.putArray("prompt_logprobs");
            plp.addNull();
            for (int t = 1; t < prompt.size(); t++) {
                plp.add(-0.001 * prompt.get(t));
            }
        } else {
            out.putNull("prompt_logprobs");
        }
        return out;
    }

    private Reply future(JsonNode result, String modelId) {
        String id = "req-" + ids.incrementAndGet();
        futures.put(id, new Pending(result, System.currentTimeMillis() + operationMillis));
        ObjectNode ack = JSON.createObjectNode().put("request_id", id);
        if (modelId != null) {
            ack.put("model_id", modelId);
        }
        return Reply.json(ack);
    }

    private Reply retrieve(String requestId) {
        String scripted;
        synchronized (pollScript) {
            scripted = pollScript.poll();
        }
        if ("408".equals(scripted)) {
            return new Reply(408, "{\"detail\":\"still running\"}");
        }
        if ("try_again".equals(scripted)) {
            return tryAgain(requestId);
        }
        if ("410".equals(scripted)) {
            futures.remove(requestId);
        }
        Pending pending = futures.get(requestId);
        if (pending == null) {
            return new Reply(410, "{\"detail\":\"promise expired\"}");
        }
        // A long poll: hold the request until the result is ready or the hold time is up.
        long until = System.currentTimeMillis() + dialect.heldPollMillis();
        while (System.currentTimeMillis() < pending.readyAt()) {
            if (System.currentTimeMillis() >= until) {
                return "408".equals(dialect.pendingAnswer()) ? new Reply(408, "{\"detail\":\"still running\"}")
                        : tryAgain(requestId);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return tryAgain(requestId);
            }
        }
        futures.remove(requestId);
        return Reply.json(pending.result());
    }

    private static Reply tryAgain(String requestId) {
        return Reply.json(JSON.createObjectNode().put("type", "try_again").put("request_id", requestId)
                .put("queue_state", "active"));
    }
}
