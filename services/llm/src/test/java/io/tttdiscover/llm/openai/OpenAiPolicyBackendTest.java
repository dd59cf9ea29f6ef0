package io.tttdiscover.llm.openai;

import com.fasterxml.jackson.databind.JsonNode;
import io.tttdiscover.llm.harmony.HarmonyRenderer;
import io.tttdiscover.llm.harmony.HarmonyTokenizer;
import io.tttdiscover.llm.testserver.Fixtures;
import io.tttdiscover.llm.testserver.OpenAiTestServer;
import io.tttdiscover.llm.testserver.Recorded;
import io.tttdiscover.llm.testserver.ScriptedModel;
import io.tttdiscover.protocol.pack.ProblemPack;
import io.tttdiscover.protocol.spi.BackendUnavailableException;
import io.tttdiscover.protocol.spi.Sample;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OpenAiPolicyBackendTest {
    private static final String MODEL = "openai/gpt-oss-120b";
    private final HarmonyTokenizer tok = new HarmonyTokenizer();
    private final OpenAiTestServer server = new OpenAiTestServer(MODEL, ScriptedModel.answering(tok, Fixtures.PROGRAM));
    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        server.close();
    }

    private OpenAiPolicyBackend backend(String apiKey) {
        return new OpenAiPolicyBackend(OpenAiSettings.defaults(server.uri())
                .with(OpenAiSettings.Dialect.VLLM, apiKey, 3, Duration.ofMillis(5)));
    }

    @Test
    void sendsTokenIdPromptsAndReadsTokenIdsLogprobsAndFinishReason() {
        ProblemPack pack = Fixtures.pack(dir);
        try (OpenAiPolicyBackend backend = backend("sk-test")) {
            assertEquals("openai", backend.name());
            assertEquals(-1, backend.loadedVersion("run1"));
            List<Sample> samples = backend.sample(Fixtures.prompt("run1", 4), pack);
            assertEquals(4, samples.size());
            Recorded r = server.requests("/v1/completions").get(0);
            assertEquals("Bearer sk-test", r.header("Authorization"));
            assertEquals("application/json", r.header("Content-Type"));
            JsonNode b = r.body();
            assertEquals(MODEL, b.get("model").asText());
            List<Integer> expectedPrompt = new HarmonyRenderer(tok).render(Fixtures.prompt("run1", 4), pack);
            List<Integer> sent = new ArrayList<>();
            b.get("prompt").forEach(t -> sent.add(t.asInt()));
            assertEquals(expectedPrompt, sent);
            assertEquals(26_000 - expectedPrompt.size(), b.get("max_tokens").asInt());
            assertEquals(1.0, b.get("temperature").asDouble());
            assertEquals(4, b.get("n").asInt());
            assertEquals(0, b.get("logprobs").asInt());
            assertTrue(b.get("return_token_ids").asBoolean());
            assertEquals("[200002,200012]", b.get("stop_token_ids").toString());
            assertTrue(b.get("seed").isIntegralNumber());
            assertEquals(9, b.size(), "no other fields: " + b);
            Sample s = samples.get(2);
            assertEquals(Fixtures.PROGRAM + "\n", s.program());
            assertEquals(0, s.policyVersion());
            assertEquals(expectedPrompt, s.trace().promptTokens());
            assertEquals(-0.27, s.trace().completionLogprobs().get(0), 1e-12);
            assertEquals(HarmonyTokenizer.RETURN, s.trace().completionTokens().get(s.trace().completionTokens().size() - 1));
        }
    }

    @Test
    void hotSwapsTheRunsAdapterInPlaceAndSamplesFromIt() {
        ProblemPack pack = Fixtures.pack(dir);
        try (OpenAiPolicyBackend backend = backend(null)) {
            backend.onCheckpoint(Fixtures.checkpoint("run/7", 1, "/adapters/run7/000001"));
            backend.onCheckpoint(Fixtures.checkpoint("run/7", 2, "/adapters/run7/000002"));
            backend.onCheckpoint(Fixtures.checkpoint("run/7", 1, "/adapters/run7/000001"));
            assertEquals(2, backend.loadedVersion("run/7"));
            List<Recorded> loads = server.requests("/v1/load_lora_adapter");
            assertEquals(2, loads.size(), "an older checkpoint is ignored");
            JsonNode b = loads.get(1).body();
            assertEquals("run-run_7", b.get("lora_name").asText());
            assertEquals("/adapters/run7/000002", b.get("lora_path").asText());
            assertTrue(b.get("load_inplace").asBoolean());
            assertEquals(3, b.size());
            assertNull(loads.get(0).header("Authorization"));
            Sample s = backend.sample(Fixtures.prompt("run/7", 1), pack).get(0);
            assertEquals(2, s.policyVersion());
            assertEquals("run-run_7", server.requests("/v1/completions").get(0).body().get("model").asText());
        }
    }

    @Test
    void aTinkerCheckpointLoadsFromItsPeftExportUnderTheAdapterDir() {
        ProblemPack pack = Fixtures.pack(dir);
        String v1 = "tinker://3f9c:train:0/sampler_weights/000001";
        try (OpenAiPolicyBackend backend = new OpenAiPolicyBackend(OpenAiSettings.defaults(server.uri())
                .with(OpenAiSettings.Dialect.VLLM, null, 3, Duration.ofMillis(5))
                .withTinkerAdapterDir("/srv/adapters/"))) {
            backend.onCheckpoint(Fixtures.checkpoint("run1", 1, v1));
            backend.onCheckpoint(Fixtures.checkpoint("run1", 2, "/already/peft/000002"));
            List<Recorded> loads = server.requests("/v1/load_lora_adapter");
            assertEquals("/srv/adapters/3f9c:train:0/sampler_weights/000001",
                    loads.get(0).body().get("lora_path").asText());
            assertEquals("/already/peft/000002", loads.get(1).body().get("lora_path").asText(),
                    "a path that is no tinker:// URI is loaded as it is");
            assertEquals(2, backend.sample(Fixtures.prompt("run1", 1), pack).get(0).policyVersion());
        }
    }

    @Test
    void aTinkerCheckpointWithoutAnAdapterDirIsRefusedWithTheKeyToSet() {
        try (OpenAiPolicyBackend backend = backend(null)) {
            var e = assertThrows(IllegalArgumentException.class, () -> backend.onCheckpoint(
                    Fixtures.checkpoint("run1", 1, "tinker://3f9c:train:0/sampler_weights/000001")));
            assertTrue(e.getMessage().contains("discover.openai.tinker-adapter-dir"), e.getMessage());
            assertTrue(server.requests("/v1/load_lora_adapter").isEmpty(), "nothing sent to the server");
            assertEquals(-1, backend.loadedVersion("run1"), "the run keeps the policy it had");
        }
    }

    @Test
    void theServerRefusesAReloadWithoutInPlace() throws Exception {
        var client = java.net.http.HttpClient.newHttpClient();
        java.util.function.Function<String, Integer> load = body -> {
            try {
                return client.send(java.net.http.HttpRequest.newBuilder(server.uri().resolve("/v1/load_lora_adapter"))
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        assertEquals(200, load.apply("{\"lora_name\":\"a\",\"lora_path\":\"/p1\"}"));
        assertEquals(400, load.apply("{\"lora_name\":\"a\",\"lora_path\":\"/p2\"}"));
        assertEquals(200, load.apply("{\"lora_name\":\"a\",\"lora_path\":\"/p2\",\"load_inplace\":true}"));
    }

    @Test
    void aVllmWithoutLoadInplaceGetsOneAdapterNamePerVersion() {
        ProblemPack pack = Fixtures.pack(dir);
        server.older(true, false);
        try (OpenAiPolicyBackend backend = backend(null)) {
            backend.onCheckpoint(Fixtures.checkpoint("run1", 1, "/adapters/run1/000001"));
            backend.onCheckpoint(Fixtures.checkpoint("run1", 2, "/adapters/run1/000002"));
            backend.onCheckpoint(Fixtures.checkpoint("run1", 3, "/adapters/run1/000003"));
            assertEquals(java.util.Map.of("run-run1-v3", "/adapters/run1/000003"), server.adapters,
                    "older versions unloaded");
            backend.sample(Fixtures.prompt("run1", 1), pack);
            assertEquals("run-run1-v3", server.requests("/v1/completions").get(0).body().get("model").asText());
        }
    }

    @Test
    void aVllmThatIgnoresReturnTokenIdsIsRefusedNotTrusted() {
        ProblemPack pack = Fixtures.pack(dir);
        server.older(false, true);
        try (OpenAiPolicyBackend backend = backend(null)) {
            var e = assertThrows(BackendUnavailableException.class,
                    () -> backend.sample(Fixtures.prompt("run1", 1), pack));
            assertTrue(e.getMessage().contains("return_token_ids"), e.getMessage());
        }
    }

    @Test
    void retriesServerErrorsAndThrottlingThenGivesUp() {
        ProblemPack pack = Fixtures.pack(dir);
        try (OpenAiPolicyBackend backend = backend(null)) {
            server.inject("/v1/completions", 503, 429, 500);
            assertEquals(1, backend.sample(Fixtures.prompt("r", 1), pack).size());
            assertEquals(4, server.requests("/v1/completions").size());
            server.inject("/v1/completions", 502, 502, 502, 502);
            BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                    () -> backend.sample(Fixtures.prompt("r", 1), pack));
            assertTrue(e.getMessage().contains("after 4 attempts"), e.getMessage());
            int before = server.requests().size();
            server.inject("/v1/completions", 400);
            assertThrows(BackendUnavailableException.class, () -> backend.sample(Fixtures.prompt("r", 1), pack));
            assertEquals(before + 1, server.requests().size(), "a 400 is not retried");
        }
    }

    @Test
    void anUnreachableServerIsBackendUnavailable() {
        OpenAiPolicyBackend backend = new OpenAiPolicyBackend(OpenAiSettings.defaults(java.net.URI.create("http://127.0.0.1:1"))
                .with(OpenAiSettings.Dialect.VLLM, null, 2, Duration.ofMillis(1)));
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> backend.sample(Fixtures.prompt("r", 1), Fixtures.pack(dir)));
        assertFalse(e.getMessage().isEmpty());
        backend.close();
    }
}
