package io.tttdiscover.llm.tinker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tttdiscover.llm.sampling.Generation;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** One sampling session (a sampler checkpoint or the base model) and its asample calls. */
final class TinkerSampling {
    private static final Logger LOG = Logger.getLogger(TinkerSampling.class);
    private static final int RESUBMISSIONS = 3;
    private static final Map<String, String> BACKPRESSURE = Map.of("X-Tinker-Sampling-Backpressure", "1");

    private final TinkerClient client;
    private final String samplingSessionId;
    private final long version;
    private final AtomicLong seq = new AtomicLong();

    private TinkerSampling(TinkerClient client, String samplingSessionId, long version) {
        this.client = client;
        this.samplingSessionId = samplingSessionId;
        this.version = version;
    }

    static TinkerSampling ofModelPath(TinkerClient client, String modelPath, long version) {
        return open(client, "model_path", modelPath, version);
    }

    static TinkerSampling ofBaseModel(TinkerClient client, String baseModel, long version) {
        return open(client, "base_model", baseModel, version);
    }

    private static TinkerSampling open(TinkerClient client, String field, String value, long version) {
        ObjectNode body = TinkerClient.object();
        body.put("session_id", client.session());
        body.put("sampling_session_seq_id", client.nextSamplingSessionSeqId());
        body.put(field, value);
        body.put("type", "create_sampling_session");
        JsonNode answer = client.request("create_sampling_session", body, Map.of());
        String id = answer.path("sampling_session_id").asText(null);
        if (id == null) {
            throw new TinkerException("server", "create_sampling_session answered without an id: " + answer, null);
        }
        return new TinkerSampling(client, id, version);
    }

    long version() {
        return version;
    }

    String id() {
        return samplingSessionId;
    }

    List<Generation> generate(List<Integer> prompt, int n, int maxTokens, Long seed) {
        return TinkerPolicyBackend.generations(sample(prompt, n, maxTokens, seed, false));
    }

    /** One asample; a lost future (410) is submitted again with a new seq_id, as the SDK does for sampling only. */
    private JsonNode sample(List<Integer> tokens, int n, int maxTokens, Long seed, boolean promptLogprobs) {
        for (int submission = 1; ; submission++) {
            try {
                return client.request("asample", request(tokens, n, maxTokens, seed, promptLogprobs), BACKPRESSURE);
            } catch (FutureGoneException e) {
                if (submission >= RESUBMISSIONS) {
                    throw e;
                }
                LOG.warnf("asample: %s; submitting again with a new seq_id", e.getMessage());
            }
        }
    }

    /**
     * logp of every token of {@code tokens} given the ones before it (one sampled token, prompt logprobs on). Entry 0
     * has no context and is null.
     */
    List<Double> promptLogprobs(List<Integer> tokens) {
        JsonNode result = sample(tokens, 1, 1, null, true);
        if (!result.path("prompt_logprobs").isArray()) {
            throw new PromptLogprobsUnsupportedException("the server returned no prompt_logprobs (SkyRL's Tinker API "
                    + "does not compute them)");
        }
        List<Double> out = new ArrayList<>(tokens.size());
        for (JsonNode lp : result.path("prompt_logprobs")) {
            out.add(lp.isNull() ? null : lp.asDouble());
        }
        if (out.size() != tokens.size()) {
            throw new TinkerException("server", "prompt_logprobs has " + out.size() + " entries for "
                    + tokens.size() + " tokens", null);
        }
        return out;
    }

    private ObjectNode request(List<Integer> tokens, int n, int maxTokens, Long seed, boolean promptLogprobs) {
        ObjectNode body = TinkerClient.object();
        body.put("sampling_session_id", samplingSessionId);
        body.put("seq_id", seq.incrementAndGet());
        body.put("num_samples", n);
        ArrayNode chunks = body.putObject("prompt").putArray("chunks");
        ObjectNode chunk = chunks.addObject();
        chunk.put("type", "encoded_text");
        ArrayNode ids = chunk.putArray("tokens");
        tokens.forEach(ids::add);
        TinkerPolicyBackend.samplingParams(body, maxTokens, seed);
        body.put("prompt_logprobs", promptLogprobs);
        body.put("type", "sample");
        return body;
    }
}
