package io.tttdiscover.llm.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tttdiscover.llm.harmony.HarmonyRenderer;
import io.tttdiscover.llm.harmony.HarmonyTokenizer;
import io.tttdiscover.llm.http.Backoff;
import io.tttdiscover.llm.http.HttpReply;
import io.tttdiscover.llm.http.JsonPost;
import io.tttdiscover.llm.sampling.Generation;
import io.tttdiscover.llm.sampling.LlmConfig;
import io.tttdiscover.llm.sampling.RolloutSampler;
import io.tttdiscover.llm.sampling.TokenSampler;
import io.tttdiscover.llm.sampling.TwoPhaseSampler;
import io.tttdiscover.protocol.event.CheckpointEvent;
import io.tttdiscover.protocol.event.PromptEvent;
import io.tttdiscover.protocol.pack.ProblemPack;
import io.tttdiscover.protocol.spi.BackendUnavailableException;
import io.tttdiscover.protocol.spi.PolicyBackend;
import io.tttdiscover.protocol.spi.Sample;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Samples from an OpenAI-compatible server: vLLM's {@code /v1/completions} with token-id prompts, or SGLang's
 * {@code /generate}. A run's checkpoints are hot-swapped in as a LoRA adapter named after the run; the run's requests
 * then name that adapter as their model.
 */
@ApplicationScoped
public class OpenAiPolicyBackend implements PolicyBackend {
    private static final Logger LOG = Logger.getLogger(OpenAiPolicyBackend.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TINKER_SCHEME = "tinker://";

    private final OpenAiSettings settings;
    private final JsonPost http;
    private final RolloutSampler rollouts;
    private final ExecutorService phase2;
    private final Map<String, Loaded> loaded = new ConcurrentHashMap<>();
    private volatile boolean versionedAdapters;

    private record Loaded(long version, String model) {
    }

    @Inject
    public OpenAiPolicyBackend(
            @ConfigProperty(name = "discover.openai.base-url", defaultValue = "http://localhost:8000") String baseUrl,
            @ConfigProperty(name = "discover.openai.model", defaultValue = "openai/gpt-oss-120b") String model,
            @ConfigProperty(name = "discover.openai.api-key") Optional<String> apiKey,
            @ConfigProperty(name = "discover.openai.dialect", defaultValue = "vllm") String dialect,
            @ConfigProperty(name = "discover.openai.max-concurrency", defaultValue = "64") int maxConcurrency,
            @ConfigProperty(name = "discover.openai.timeout-seconds", defaultValue = "900") int timeoutSeconds,
            @ConfigProperty(name = "discover.openai.max-retries", defaultValue = "5") int maxRetries,
            @ConfigProperty(name = "discover.openai.tinker-adapter-dir") Optional<String> tinkerAdapterDir,
            LlmConfig llm) {
        this(new OpenAiSettings(URI.create(baseUrl), model, apiKey.filter(k -> !k.isBlank()).orElse(null),
                OpenAiSettings.Dialect.valueOf(dialect.toUpperCase(Locale.ROOT)), maxConcurrency,
                Duration.ofSeconds(timeoutSeconds), maxRetries, Duration.ofMillis(500),
                llm.sampling(), llm.reasoningEffort(), llm.currentDate().orElse(null),
                tinkerAdapterDir.filter(d -> !d.isBlank()).orElse(null)));
    }

    public OpenAiPolicyBackend(OpenAiSettings settings) {
        this.settings = settings;
        this.http = new JsonPost(Duration.ofSeconds(10), settings.maxConcurrency());
        this.phase2 = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "openai-phase2");
            t.setDaemon(true);
            return t;
        });
        HarmonyTokenizer tokenizer = new HarmonyTokenizer();
        this.rollouts = new RolloutSampler(
                new HarmonyRenderer(tokenizer, settings.reasoningEffort(), settings.currentDate()),
                new TwoPhaseSampler(tokenizer, settings.sampling(), phase2));
    }

    @Override
    public String name() {
        return "openai";
    }

    @Override
    public void onCheckpoint(CheckpointEvent checkpoint) {
        Loaded current = loaded.get(checkpoint.runId());
        if (current != null && current.version() >= checkpoint.policyVersion()) {
            return;
        }
        if (checkpoint.weightsUri() == null || checkpoint.weightsUri().isBlank()) {
            loaded.put(checkpoint.runId(), new Loaded(checkpoint.policyVersion(), settings.model()));
            return;
        }
        String adapter = adapterName(checkpoint.runId());
        String path = adapterPath(checkpoint);
        if (settings.dialect() == OpenAiSettings.Dialect.VLLM) {
            adapter = loadVllm(adapter, path, checkpoint.policyVersion(), current);
        } else {
            // SGLang has no in-place reload: drop the run's previous adapter first.
            if (current != null && adapter.equals(current.model())) {
                post("/unload_lora_adapter", JSON.createObjectNode().put("lora_name", adapter));
            }
            post("/load_lora_adapter", JSON.createObjectNode()
                    .put("lora_name", adapter)
                    .put("lora_path", path));
        }
        loaded.put(checkpoint.runId(), new Loaded(checkpoint.policyVersion(), adapter));
        LOG.infof("run %s: adapter %s now at version %d (%s)", checkpoint.runId(), adapter,
                checkpoint.policyVersion(), path);
    }

    /**
     * The path the server loads a checkpoint's adapter from. A Tinker trainer publishes {@code tinker://X} paths,
     * which vLLM and SGLang cannot read: with {@code tinker-adapter-dir} set, the PEFT export of that checkpoint is
     * expected at {@code <dir>/X} (placed there by whoever downloads and converts it); without, it is refused.
     */
    String adapterPath(CheckpointEvent checkpoint) {
        String uri = checkpoint.weightsUri();
        if (!uri.startsWith(TINKER_SCHEME)) {
            return uri;
        }
        String dir = settings.tinkerAdapterDir();
        if (dir == null) {
            throw new IllegalArgumentException("run " + checkpoint.runId() + " v" + checkpoint.policyVersion()
                    + ": " + uri + " is a Tinker checkpoint, which an OpenAI-compatible server cannot load; set "
                    + "discover.openai.tinker-adapter-dir (env DISCOVER_OPENAI_TINKER_ADAPTER_DIR) to the folder "
                    + "where each sampler checkpoint's PEFT export is placed as <dir>/<model_id>/sampler_weights/"
                    + "<name>, or sample on Tinker (discover.policy.backend=tinker)");
        }
        return (dir.endsWith("/") ? dir : dir + "/") + uri.substring(TINKER_SCHEME.length());
    }

    /**
     * Hot-swaps the run's adapter in place ({@code load_inplace}). A vLLM without {@code load_inplace} ignores the
     * field and refuses to reload a loaded name (400): from then on each version is loaded under its own name and the
     * previous one unloaded.
     */
    private String loadVllm(String adapter, String path, long version, Loaded current) {
        if (!versionedAdapters) {
            try {
                post("/v1/load_lora_adapter", JSON.createObjectNode().put("lora_name", adapter)
                        .put("lora_path", path).put("load_inplace", true));
                return adapter;
            } catch (BackendUnavailableException e) {
                if (!String.valueOf(e.getMessage()).contains("already been loaded")) {
                    throw e;
                }
                versionedAdapters = true;
                LOG.warnf("this vLLM cannot reload an adapter in place (no load_inplace): loading each version "
                        + "under its own name");
            }
        }
        String named = adapter + "-v" + version;
        post("/v1/load_lora_adapter", JSON.createObjectNode().put("lora_name", named)
                .put("lora_path", path));
        if (current != null && !current.model().equals(settings.model()) && !current.model().equals(named)) {
            post("/v1/unload_lora_adapter", JSON.createObjectNode().put("lora_name", current.model()));
        }
        return named;
    }

    @Override
    public long loadedVersion(String runId) {
        Loaded l = loaded.get(runId);
        return l == null ? -1 : l.version();
    }

    @Override
    public List<Sample> sample(PromptEvent prompt, ProblemPack pack) {
        Loaded l = loaded.get(prompt.runId());
        String model = l == null ? settings.model() : l.model();
        long version = l == null ? 0 : l.version();
        TokenSampler sampler = settings.dialect() == OpenAiSettings.Dialect.VLLM
                ? (tokens, n, maxTokens, seed) -> completions(model, tokens, n, maxTokens, seed)
                : (tokens, n, maxTokens, seed) -> generate(model, tokens, n, maxTokens, seed);
        return rollouts.sample(sampler, prompt, pack, version);
    }

    @Override
    public void close() {
        phase2.shutdownNow();
    }

    static String adapterName(String runId) {
        return "run-" + runId.replaceAll("[^A-Za-z0-9_.-]", "_");
    }

    private List<Generation> completions(String model, List<Integer> prompt, int n, int maxTokens, Long seed) {
        ObjectNode body = JSON.createObjectNode();
        body.put("model", model);
        body.set("prompt", ints(prompt));
        body.put("max_tokens", maxTokens);
        body.put("temperature", 1.0);
        body.put("n", n);
        body.put("logprobs", 0);
        body.put("return_token_ids", true);
        body.set("stop_token_ids", ints(HarmonyTokenizer.STOP_TOKENS));
        if (seed != null) {
            body.put("seed", seed);
        }
        JsonNode reply = post("/v1/completions", body);
        Generation[] out = new Generation[n];
        int next = 0;
        for (JsonNode choice : reply.path("choices")) {
            int index = choice.has("index") ? choice.get("index").asInt() : next;
            next++;
            if (!choice.path("token_ids").isArray()) {
                // An older vLLM ignores return_token_ids silently; re-tokenizing the text would not give the ids.
                throw new BackendUnavailableException("/v1/completions returned no token_ids: this vLLM ignores "
                        + "return_token_ids; run a vLLM that supports it");
            }
            List<Integer> tokens = intList(choice.path("token_ids"));
            List<Double> logprobs = new ArrayList<>();
            choice.path("logprobs").path("token_logprobs").forEach(x -> logprobs.add(x.asDouble()));
            if (logprobs.size() != tokens.size()) {
                throw new BackendUnavailableException("/v1/completions returned " + tokens.size() + " token_ids but "
                        + logprobs.size() + " token_logprobs (is logprobs: 0 honoured?)");
            }
            out[index] = new Generation(tokens, logprobs, "stop".equals(choice.path("finish_reason").asText()));
        }
        return complete(out);
    }

    private List<Generation> generate(String model, List<Integer> prompt, int n, int maxTokens, Long seed) {
        ObjectNode body = JSON.createObjectNode();
        body.set("input_ids", ints(prompt));
        ObjectNode params = body.putObject("sampling_params");
        params.put("max_new_tokens", maxTokens);
        params.put("temperature", 1.0);
        params.put("n", n);
        params.set("stop_token_ids", ints(HarmonyTokenizer.STOP_TOKENS));
        if (seed != null) {
            params.put("sampling_seed", seed);
        }
        body.put("return_logprob", true);
        body.put("logprob_start_len", -1);
        if (!model.equals(settings.model())) {
            body.put("lora_path", model);
        }
        JsonNode reply = post("/generate", body);
        List<JsonNode> items = new ArrayList<>();
        if (reply.isArray()) {
            reply.forEach(items::add);
        } else {
            items.add(reply);
        }
        Generation[] out = new Generation[n];
        for (int i = 0; i < items.size() && i < n; i++) {
            JsonNode meta = items.get(i).path("meta_info");
            List<Integer> tokens = new ArrayList<>();
            List<Double> logprobs = new ArrayList<>();
            for (JsonNode triple : meta.path("output_token_logprobs")) {
                logprobs.add(triple.get(0).asDouble());
                tokens.add(triple.get(1).asInt());
            }
            out[i] = new Generation(tokens, logprobs, "stop".equals(meta.path("finish_reason").path("type").asText()));
        }
        return complete(out);
    }

    private static List<Generation> complete(Generation[] out) {
        for (int i = 0; i < out.length; i++) {
            if (out[i] == null) {
                throw new BackendUnavailableException("server returned no choice " + i + " of " + out.length);
            }
        }
        return List.of(out);
    }

    /** POST with retries on connection failures, 5xx and 429; other statuses are the caller's error. */
    private JsonNode post(String path, ObjectNode body) {
        URI uri = settings.baseUrl().resolve(path);
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        Map<String, String> headers = new HashMap<>();
        if (settings.apiKey() != null) {
            headers.put("Authorization", "Bearer " + settings.apiKey());
        }
        Backoff backoff = new Backoff(settings.initialBackoff(), Duration.ofSeconds(30));
        String last = "no attempt";
        Throwable cause = null;
        for (int attempt = 0; attempt <= settings.maxRetries(); attempt++) {
            if (attempt > 0) {
                backoff.sleep(attempt - 1);
            }
            try {
                HttpReply reply = http.post(uri, headers, "application/json", bytes, settings.requestTimeout());
                if (reply.ok()) {
                    return reply.body().length == 0 ? JSON.createObjectNode() : parse(reply);
                }
                last = "HTTP " + reply.status() + ": " + abbreviate(reply.text());
                if (reply.status() != 429 && reply.status() < 500) {
                    throw new BackendUnavailableException(path + " refused: " + last);
                }
            } catch (IOException e) {
                last = e.toString();
                cause = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BackendUnavailableException("interrupted calling " + uri, e);
            }
            LOG.debugf("%s attempt %d failed: %s", uri, attempt + 1, last);
        }
        throw new BackendUnavailableException(uri + " failed after " + (settings.maxRetries() + 1) + " attempts: "
                + last, cause);
    }

    private static JsonNode parse(HttpReply reply) {
        try {
            return JSON.readTree(reply.body());
        } catch (IOException e) {
            // vLLM's load_lora_adapter answers plain text.
            return JSON.createObjectNode().put("text", reply.text());
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 500 ? s.substring(0, 500) + "..." : s;
    }

    private static ArrayNode ints(List<Integer> values) {
        ArrayNode a = JSON.createArrayNode();
        values.forEach(a::add);
        return a;
    }

    private static List<Integer> intList(JsonNode array) {
        List<Integer> out = new ArrayList<>(array.size());
        array.forEach(x -> out.add(x.asInt()));
        return out;
    }
}
