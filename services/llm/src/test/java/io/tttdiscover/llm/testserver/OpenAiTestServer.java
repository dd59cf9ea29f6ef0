package io.tttdiscover.llm.testserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * vLLM's OpenAI-compatible surface as the sampler uses it: {@code /v1/completions} with token-id prompts and
 * {@code return_token_ids}, and runtime LoRA loading ({@code /v1/load_lora_adapter}, 400 when a loaded name is
 * loaded again without {@code load_inplace}); a request naming an unknown model gets 404 as vLLM answers.
 */
public final class OpenAiTestServer extends JsonServer {
    private final String baseModel;
    private volatile ScriptedModel model;
    private volatile long latencyMillis;
    public final Map<String, String> adapters = new ConcurrentHashMap<>();
    private volatile boolean loadInplace = true;
    private volatile boolean returnTokenIds = true;

    /** Behave as an older vLLM: {@code load_inplace} and {@code return_token_ids} are ignored. */
    public void older(boolean noLoadInplace, boolean noTokenIds) {
        this.loadInplace = !noLoadInplace;
        this.returnTokenIds = !noTokenIds;
    }

    public OpenAiTestServer(String baseModel, ScriptedModel model) {
        this.baseModel = baseModel;
        this.model = model;
    }

    public void model(ScriptedModel model) {
        this.model = model;
    }

    public void latencyMillis(long ms) {
        this.latencyMillis = ms;
    }

    @Override
    protected Reply answer(String path, JsonNode body) {
        switch (path) {
            case "/v1/load_lora_adapter" -> {
                String name = body.path("lora_name").asText();
                if (adapters.containsKey(name) && !(loadInplace && body.path("load_inplace").asBoolean(false))) {
                    return new Reply(400, "{\"object\":\"error\",\"message\":\"The lora adapter '" + name
                            + "' has already been loaded.\",\"type\":\"InvalidUserInput\",\"code\":400}");
                }
                adapters.put(name, body.path("lora_path").asText());
                return new Reply(200, "Success: LoRA adapter '" + name + "' added successfully.");
            }
            case "/v1/unload_lora_adapter" -> {
                String name = body.path("lora_name").asText();
                return adapters.remove(name) == null ? new Reply(404, "{\"object\":\"error\",\"message\":\"The lora "
                        + "adapter '" + name + "' cannot be found.\",\"code\":404}")
                        : new Reply(200, "Success: LoRA adapter '" + name + "' removed successfully.");
            }
            case "/v1/completions" -> {
                return completions(body);
            }
            default -> {
                return new Reply(404, "{\"detail\":\"Not Found\"}");
            }
        }
    }

    private Reply completions(JsonNode body) {
        String requested = body.path("model").asText();
        if (!requested.equals(baseModel) && !adapters.containsKey(requested)) {
            return new Reply(404, "{\"object\":\"error\",\"message\":\"The model `" + requested
                    + "` does not exist.\",\"code\":404}");
        }
        if (latencyMillis > 0) {
            try {
                Thread.sleep(latencyMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        List<Integer> prompt = new ArrayList<>();
        body.path("prompt").forEach(t -> prompt.add(t.asInt()));
        ObjectNode out = JSON.createObjectNode();
        out.put("id", "cmpl-test");
        out.put("object", "text_completion");
        out.put("model", requested);
        ArrayNode choices = out.putArray("choices");
        for (int i = 0; i < body.path("n").asInt(1); i++) {
            ScriptedModel.Output o = model.generate(prompt, body.path("max_tokens").asInt(), i);
            ObjectNode c = choices.addObject();
            c.put("index", i);
            c.put("text", "");
            if (returnTokenIds && body.path("return_token_ids").asBoolean()) {
                ArrayNode ids = c.putArray("token_ids");
                o.tokens().forEach(ids::add);
            }
            ArrayNode lps = c.putObject("logprobs").putArray("token_logprobs");
            o.logprobs().forEach(lps::add);
            c.put("finish_reason", o.stopped() ? "stop" : "length");
        }
        ArrayNode promptIds = out.putArray("prompt_token_ids");
        prompt.forEach(promptIds::add);
        return Reply.json(out);
    }
}
