package io.tttdiscover.llm.testserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Tinker service as the SDK sees it: a session, futures behind {@code retrieve_future}, LoRA models whose
 * operations must arrive with strictly increasing {@code seq_id}, sampler checkpoints as {@code tinker://} paths and
 * sampling sessions. A script of poll answers ({@code try_again}, 408, 410) and injected statuses exercise the retry
 * rules; out-of-order seq_ids are answered with a user error and recorded.
 */
public final class TinkerTestServer extends JsonServer {
    private static final String SESSION = "3f9c2a4e-0000-4000-8000-000000000001";

    private final AtomicInteger ids = new AtomicInteger();
    private final AtomicInteger models = new AtomicInteger();
    private final Map<String, JsonNode> futures = new ConcurrentHashMap<>();
    private final Map<String, Long> lastSeq = new ConcurrentHashMap<>();
    private final Map<String, String> samplingSessions = new ConcurrentHashMap<>();
    private final Deque<String> pollScript = new ArrayDeque<>();
    public final List<String> violations = new CopyOnWriteArrayList<>();
    private volatile ScriptedModel model;

    public TinkerTestServer(ScriptedModel model) {
        this.model = model;
    }

    public void model(ScriptedModel model) {
        this.model = model;
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
    protected Reply answer(String path, JsonNode body) {
        String op = path.substring(path.lastIndexOf('/') + 1);
        if (!path.equals("/api/v1/" + op)) {
            return new Reply(404, "{\"detail\":\"Not Found\"}");
        }
        return switch (op) {
            case "create_session" -> Reply.json(JSON.createObjectNode().put("session_id", SESSION));
            case "session_heartbeat" -> Reply.json(JSON.createObjectNode().put("type", "session_heartbeat"));
            case "create_sampling_session" -> {
                String id = SESSION + ":sample:" + samplingSessions.size();
                samplingSessions.put(id, body.has("model_path") ? body.path("model_path").asText()
                        : "base:" + body.path("base_model").asText());
                yield Reply.json(JSON.createObjectNode().put("sampling_session_id", id));
            }
            case "retrieve_future" -> retrieve(body.path("request_id").asText());
            case "create_model" -> future(JSON.createObjectNode()
                    .put("model_id", SESSION + ":train:" + models.getAndIncrement()), null);
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
            case "optim_step" -> result.putObject("metrics").put("optim/lr", body.path("adam_params")
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
        result.putObject("metrics").put("loss:sum", loss);
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
        if (body.path("prompt_logprobs").asBoolean()) {
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
        futures.put(id, result);
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
            return Reply.json(JSON.createObjectNode().put("type", "try_again").put("request_id", requestId)
                    .put("queue_state", "active"));
        }
        if ("410".equals(scripted)) {
            futures.remove(requestId);
        }
        JsonNode result = futures.remove(requestId);
        if (result == null) {
            return new Reply(410, "{\"detail\":\"promise expired\"}");
        }
        return Reply.json(result);
    }
}
