package io.tttdiscover.llm.tinker;

import com.fasterxml.jackson.databind.JsonNode;
import io.tttdiscover.llm.harmony.HarmonyTokenizer;
import io.tttdiscover.llm.sampling.SamplingSettings;
import io.tttdiscover.llm.testserver.Fixtures;
import io.tttdiscover.llm.testserver.Recorded;
import io.tttdiscover.llm.testserver.ScriptedModel;
import io.tttdiscover.llm.testserver.TinkerTestServer;
import io.tttdiscover.protocol.pack.ProblemPack;
import io.tttdiscover.protocol.spi.Sample;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TinkerPolicyBackendTest {
    static final String SAMPLER_PATH = "tinker://681a070d-2ef4-5b8c-a216-d4f22dca1efb:train:0/sampler_weights/000030";
    private final HarmonyTokenizer tok = new HarmonyTokenizer();
    private final TinkerTestServer server = new TinkerTestServer(ScriptedModel.answering(tok, Fixtures.PROGRAM));
    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        server.close();
    }

    static TinkerSettings settings(TinkerTestServer server) {
        return TinkerSettings.defaults(server.uri(), "tml-test-key")
                .paced(Duration.ofMillis(5), Duration.ofMillis(20), Duration.ofMillis(200), Duration.ofMillis(100));
    }

    private TinkerPolicyBackend backend() {
        return new TinkerPolicyBackend(settings(server), "openai/gpt-oss-120b", SamplingSettings.PAPER, "high");
    }

    @Test
    void opensASessionAndASamplingSessionPerCheckpointThenSamplesThroughFutures() throws Exception {
        ProblemPack pack = Fixtures.pack(dir);
        try (TinkerPolicyBackend backend = backend()) {
            assertEquals("tinker", backend.name());
            backend.onCheckpoint(Fixtures.checkpoint("run1", 30, SAMPLER_PATH));
            assertEquals(30, backend.loadedVersion("run1"));

            JsonNode session = server.requests("/api/v1/create_session").get(0).body();
            assertEquals("[]", session.get("tags").toString());
            assertEquals("{}", session.get("user_metadata").toString());
            assertEquals("0.25.0", session.get("sdk_version").asText());
            assertEquals("create_session", session.get("type").asText());

            Recorded open = server.requests("/api/v1/create_sampling_session").get(0);
            assertEquals("tml-test-key", open.header("X-API-Key"));
            assertNotNull(open.header("X-Idempotency-Key"));
            assertEquals("3f9c2a4e-0000-4000-8000-000000000001", open.body().get("session_id").asText());
            assertEquals(0, open.body().get("sampling_session_seq_id").asInt());
            assertEquals(SAMPLER_PATH, open.body().get("model_path").asText());

            List<Sample> samples = backend.sample(Fixtures.prompt("run1", 3), pack);
            assertEquals(3, samples.size());
            assertEquals(Fixtures.PROGRAM + "\n", samples.get(0).program());
            assertEquals(30, samples.get(0).policyVersion());

            Recorded asample = server.requests("/api/v1/asample").get(0);
            assertEquals("1", asample.header("X-Tinker-Sampling-Backpressure"));
            assertEquals("tml-test-key", asample.header("X-API-Key"));
            assertEquals("application/json", asample.header("Content-Type"));
            JsonNode b = asample.body();
            assertEquals(open.body().get("session_id").asText() + ":sample:0", b.get("sampling_session_id").asText());
            assertEquals(1, b.get("seq_id").asInt());
            assertEquals(3, b.get("num_samples").asInt());
            assertEquals("encoded_text", b.get("prompt").get("chunks").get(0).get("type").asText());
            assertEquals(samples.get(0).trace().promptTokens().size(),
                    b.get("prompt").get("chunks").get(0).get("tokens").size());
            JsonNode params = b.get("sampling_params");
            assertEquals(26_000 - samples.get(0).trace().promptTokens().size(), params.get("max_tokens").asInt());
            assertEquals(1.0, params.get("temperature").asDouble());
            assertEquals(-1, params.get("top_k").asInt());
            assertEquals(1.0, params.get("top_p").asDouble());
            assertEquals("[200002,200012]", params.get("stop").toString());
            assertTrue(params.get("seed").isIntegralNumber());
            assertFalse(b.get("prompt_logprobs").asBoolean());
            assertEquals("sample", b.get("type").asText());

            JsonNode poll = server.requests("/api/v1/retrieve_future").get(0).body();
            assertEquals("req-1", poll.get("request_id").asText());
            assertFalse(poll.get("allow_metadata_only").asBoolean());

            Thread.sleep(350);
            List<Recorded> beats = server.requests("/api/v1/session_heartbeat");
            assertTrue(beats.size() >= 2, "heartbeats: " + beats.size());
            assertEquals("session_heartbeat", beats.get(0).body().get("type").asText());
            assertEquals(open.body().get("session_id").asText(), beats.get(0).body().get("session_id").asText());
        }
    }

    @Test
    void pollsThroughTryAgainAnd408AndResubmitsAGoneFuture() {
        ProblemPack pack = Fixtures.pack(dir);
        try (TinkerPolicyBackend backend = backend()) {
            backend.onCheckpoint(Fixtures.checkpoint("run1", 1, SAMPLER_PATH));
            server.scriptPolls("try_again", "408", "try_again", "410");
            server.inject("/api/v1/asample", 429, 503);
            List<Sample> samples = backend.sample(Fixtures.prompt("run1", 2), pack);
            assertEquals(2, samples.size());
            List<Recorded> submits = server.requests("/api/v1/asample");
            assertEquals(4, submits.size(), "429, 503, accepted, re-submitted after 410");
            assertEquals(submits.get(0).header("X-Idempotency-Key"), submits.get(2).header("X-Idempotency-Key"),
                    "retries of one submission keep its idempotency key");
            Set<String> keys = new HashSet<>();
            submits.forEach(r -> keys.add(r.header("X-Idempotency-Key")));
            assertEquals(2, keys.size(), "a re-submission is a new request");
            assertEquals(5, server.requests("/api/v1/retrieve_future").size());
        }
    }

    @Test
    void aFailedFutureSurfacesItsCategory() {
        ProblemPack pack = Fixtures.pack(dir);
        try (TinkerPolicyBackend backend = backend()) {
            server.model((p, max, i) -> {
                throw new IllegalStateException("model crashed");
            });
            TinkerException e = assertThrows(TinkerException.class,
                    () -> backend.sample(Fixtures.prompt("run1", 1), pack));
            assertEquals("server", e.category());
            server.inject("/api/v1/asample", 400, 400, 400);
            TinkerException bare = assertThrows(TinkerException.class,
                    () -> backend.sample(Fixtures.prompt("run1", 1), pack));
            assertEquals("user", bare.category());
        }
    }

    @Test
    void samplesTheBaseModelBeforeAnyCheckpointAndWaitsOutABillingPause() {
        ProblemPack pack = Fixtures.pack(dir);
        try (TinkerPolicyBackend backend = backend()) {
            server.inject("/api/v1/asample", 402, 402);
            assertEquals(1, backend.sample(Fixtures.prompt("fresh", 1), pack).size());
            Recorded open = server.requests("/api/v1/create_sampling_session").get(0);
            assertEquals("openai/gpt-oss-120b", open.body().get("base_model").asText());
            assertFalse(open.body().has("model_path"));
            server.inject("/api/v1/asample", 402, 402, 402, 402, 402, 402, 402, 402, 402, 402, 402, 402, 402, 402,
                    402, 402, 402, 402, 402, 402, 402, 402, 402, 402, 402, 402, 402, 402, 402, 402);
            assertThrows(TinkerException.class, () -> backend.sample(Fixtures.prompt("fresh", 1), pack));
        }
    }
}
