package io.tttdiscover.llm.tinker;

import com.fasterxml.jackson.databind.JsonNode;
import io.tttdiscover.llm.harmony.HarmonyTokenizer;
import io.tttdiscover.llm.sampling.SamplingSettings;
import io.tttdiscover.llm.testserver.Fixtures;
import io.tttdiscover.llm.testserver.Recorded;
import io.tttdiscover.llm.testserver.ScriptedModel;
import io.tttdiscover.llm.testserver.TinkerTestServer;
import io.tttdiscover.llm.testserver.TinkerTestServer.Dialect;
import io.tttdiscover.protocol.spi.AdamParams;
import io.tttdiscover.protocol.spi.Datum;
import io.tttdiscover.protocol.spi.ForwardBackwardResult;
import io.tttdiscover.protocol.spi.TrainingSession;
import io.tttdiscover.protocol.spi.TrainingSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The training and sampling protocol against each real server's behaviour where they differ. */
class TinkerDialectsTest {
    private static final Datum DATUM = new Datum(List.of(11, 12, 13), List.of(14, 15),
            List.of(-0.5, -0.25), List.of(1.5, 0.0));
    private TinkerTestServer server;
    private TinkerTrainingBackend backend;
    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        if (backend != null) {
            backend.close();
        }
        server.close();
    }

    private static Dialect dialect(String name) {
        return switch (name) {
            case "hosted" -> Dialect.HOSTED;
            case "skyrl" -> Dialect.SKYRL;
            case "tuft" -> Dialect.TUFT;
            default -> throw new IllegalArgumentException(name);
        };
    }

    private TinkerSettings settings(WireFormat format) {
        return TinkerSettings.defaults(server.uri(), "tml-test-key")
                .paced(Duration.ofMillis(5), Duration.ofMillis(20), Duration.ofMillis(200), Duration.ofMillis(100))
                .withWireFormat(format);
    }

    private TrainingSession open(Dialect dialect, WireFormat format, String warmStart) {
        server = new TinkerTestServer(ScriptedModel.answering(new HarmonyTokenizer(), "x"), dialect);
        backend = new TinkerTrainingBackend(settings(format), "openai/gpt-oss-120b", 1);
        return backend.open(new TrainingSpec("run1", null, "openai/gpt-oss-120b", 32, warmStart, "cuda", 7), null);
    }

    private void oneStep(TrainingSession session) {
        ForwardBackwardResult fb = session.forwardBackward(List.of(DATUM));
        assertEquals(-1.5 * Math.exp(-0.1), fb.loss(), 1e-6);
        session.optimStep(AdamParams.paper(4e-5));
        session.saveForSampler(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"hosted", "skyrl", "tuft"})
    void aTrainingStepPassesEachServersRequestModels(String name) {
        oneStep(open(dialect(name), WireFormat.AUTO, null));
        assertTrue(server.violations.isEmpty(), server.violations.toString());
        Recorded fb = server.requests("/api/v1/forward_backward").get(0);
        assertEquals("application/x-protobuf", fb.header("Content-Type"), "SDK 0.25 speaks protobuf");
        assertEquals(name.equals("hosted") ? "zstd" : null, fb.header("Content-Encoding"),
                "compressed only when the client config asks");
        assertEquals(Set.of("forward_backward_input", "model_id", "seq_id"), fields(fb.body()));
        JsonNode session = server.requests("/api/v1/create_session").get(0).body();
        assertEquals("0.25.0", session.get("sdk_version").asText(), "the version whose dialect we speak");
    }

    @Test
    void jsonForwardBackwardCarriesExactlyTheSdksThreeFields() {
        // A strict server (the SDK's models forbid extra fields) refuses a "type" field here with 422.
        oneStep(open(Dialect.HOSTED, WireFormat.JSON, null));
        assertTrue(server.violations.isEmpty(), server.violations.toString());
        Recorded fb = server.requests("/api/v1/forward_backward").get(0);
        assertEquals("application/json", fb.header("Content-Type"));
        assertEquals(Set.of("forward_backward_input", "model_id", "seq_id"), fields(fb.body()));
        assertEquals("0.24.0", server.requests("/api/v1/create_session").get(0).body().get("sdk_version").asText(),
                "JSON forward_backward is the 0.24 dialect");
    }

    @Test
    void aServerThatWantsProtobufAnswers415AndTheClientSwitches() {
        oneStep(open(Dialect.TUFT, WireFormat.JSON, null));
        List<Recorded> fb = server.requests("/api/v1/forward_backward");
        assertEquals(1, fb.size(), "the refused JSON body is not recorded: " + fb);
        assertEquals("application/x-protobuf", fb.get(0).header("Content-Type"));
    }

    @Test
    void tuftRefusesRequestsWithoutAnApiKey() {
        server = new TinkerTestServer(ScriptedModel.answering(new HarmonyTokenizer(), "x"), Dialect.TUFT);
        TinkerSettings noKey = new TinkerSettings(server.uri(), null, WireFormat.AUTO, 4, 1, Duration.ofMillis(5),
                Duration.ofMillis(20), Duration.ofMillis(200), Duration.ofSeconds(5), Duration.ofSeconds(30),
                Duration.ofSeconds(5), Duration.ofSeconds(10));
        backend = new TinkerTrainingBackend(noKey, "openai/gpt-oss-120b", 1);
        TinkerException e = assertThrows(TinkerException.class, () -> backend.open(
                new TrainingSpec("run1", null, "openai/gpt-oss-120b", 32, null, "cuda", 7), null));
        assertTrue(e.getMessage().contains("401"), e.getMessage());
    }

    @Test
    void anOperationLongerThanManyClientPollTimeoutsSucceeds() {
        // SkyRL holds a poll up to 300 s, the SDK waits 45 s: scaled down, polls held 1.5 s, our timeout 0.2 s.
        server = new TinkerTestServer(ScriptedModel.answering(new HarmonyTokenizer(), "x"), Dialect.SKYRL);
        backend = new TinkerTrainingBackend(settings(WireFormat.AUTO)
                .withPolling(Duration.ofMillis(200), Duration.ofSeconds(30), Duration.ofSeconds(5)),
                "openai/gpt-oss-120b", 1);
        TrainingSession session = backend.open(new TrainingSpec("run1", null, "openai/gpt-oss-120b", 32, null,
                "cuda", 7), null);
        server.operationMillis(2_500);
        session.forwardBackward(List.of(DATUM));
        assertTrue(server.requests("/api/v1/retrieve_future").size() > 8, "a dozen timed-out polls, no failure");
    }

    @Test
    void theOverallDeadlineBoundsAnOperation() {
        server = new TinkerTestServer(ScriptedModel.answering(new HarmonyTokenizer(), "x"), Dialect.SKYRL);
        backend = new TinkerTrainingBackend(settings(WireFormat.AUTO)
                .withPolling(Duration.ofMillis(100), Duration.ofMillis(800), Duration.ofSeconds(5)),
                "openai/gpt-oss-120b", 1);
        TrainingSession session = backend.open(new TrainingSpec("run1", null, "openai/gpt-oss-120b", 32, null,
                "cuda", 7), null);
        server.operationMillis(60_000);
        TinkerException e = assertThrows(TinkerException.class, () -> session.forwardBackward(List.of(DATUM)));
        assertTrue(e.getMessage().contains("not done after"), e.getMessage());
    }

    @Test
    void serverErrorsWhilePollingAreRetriedBeyondAnyCount() {
        TrainingSession session = open(Dialect.HOSTED, WireFormat.AUTO, null);
        server.inject("/retrieve_future", 503, 502, 500, 503, 503, 503, 503, 503, 503, 503);
        server.inject("/optim_step", 409);
        oneStep(session);
        assertEquals(2, server.requests("/api/v1/optim_step").size(), "409 retried");
    }

    @Test
    void aLostTrainingFutureIsAnErrorNotASilentResubmission() {
        TrainingSession session = open(Dialect.HOSTED, WireFormat.AUTO, null);
        server.scriptPolls("410");
        TinkerException e = assertThrows(TinkerException.class, () -> session.forwardBackward(List.of(DATUM)));
        assertInstanceOf(FutureGoneException.class, e);
        assertEquals(1, server.requests("/api/v1/forward_backward").size());
    }

    @Test
    void aLostSamplingFutureIsSubmittedAgainWithANewSeqId() throws Exception {
        server = new TinkerTestServer(ScriptedModel.answering(new HarmonyTokenizer(), Fixtures.PROGRAM),
                Dialect.TUFT);
        try (TinkerPolicyBackend policy = new TinkerPolicyBackend(settings(WireFormat.AUTO), "openai/gpt-oss-120b",
                SamplingSettings.PAPER, "high")) {
            server.scriptPolls("410");
            assertEquals(2, policy.sample(Fixtures.prompt("run1", 2), Fixtures.pack(dir)).size());
            List<Integer> seqIds = server.requests("/api/v1/asample").stream()
                    .map(r -> r.body().get("seq_id").asInt()).toList();
            assertEquals(List.of(1, 2), seqIds, "re-submitted with a new seq_id");
        }
    }

    @Test
    void warmStartTakesTheCheckpointsRankFromWeightsInfo() {
        server = new TinkerTestServer(ScriptedModel.answering(new HarmonyTokenizer(), "x"), Dialect.HOSTED);
        server.seedRank(16);
        backend = new TinkerTrainingBackend(settings(WireFormat.AUTO), "openai/gpt-oss-120b", 1);
        backend.open(new TrainingSpec("run1", null, "openai/gpt-oss-120b", 32, TinkerTrainingBackendTest.SEED_STATE,
                "cuda", 7), null);
        assertEquals(TinkerTrainingBackendTest.SEED_STATE,
                server.requests("/api/v1/weights_info").get(0).body().get("tinker_path").asText());
        assertEquals(16, server.requests("/api/v1/create_model").get(0).body().get("lora_config").get("rank").asInt());
    }

    @Test
    void withoutPromptLogprobsTheKlTermIsSwitchedOff() {
        TrainingSession session = open(Dialect.SKYRL, WireFormat.AUTO, null);
        assertEquals(List.of(DATUM.samplerLogprobs()), session.baseLogprobs(List.of(DATUM)),
                "d_t = 0 on every token");
        session.baseLogprobs(List.of(DATUM));
        assertEquals(1, server.requests("/api/v1/asample").size(), "asked once, then off");
    }

    @Test
    void maxConcurrencyBoundsRequestsInFlight() throws Exception {
        server = new TinkerTestServer(ScriptedModel.answering(new HarmonyTokenizer(), Fixtures.PROGRAM),
                Dialect.HOSTED);
        TinkerConfig config = new TestConfig(server.uri().toString(), 2);
        assertEquals(2, config.settings().maxConcurrency());
        server.operationMillis(300);
        try (TinkerPolicyBackend policy = new TinkerPolicyBackend(config.settings()
                .paced(Duration.ofMillis(5), Duration.ofMillis(20), Duration.ofMillis(200), Duration.ofSeconds(10)),
                "openai/gpt-oss-120b", SamplingSettings.PAPER, "high")) {
            var pack = Fixtures.pack(dir);
            List<Thread> threads = new java.util.ArrayList<>();
            for (int i = 0; i < 6; i++) {
                Thread t = new Thread(() -> policy.sample(Fixtures.prompt("run1", 1), pack));
                t.start();
                threads.add(t);
            }
            for (Thread t : threads) {
                t.join();
            }
        }
        assertEquals(2, server.maxInFlight(), "discover.tinker.max-concurrency, not a hard-coded 64");
    }

    private record TestConfig(String url, int maxConcurrency) implements TinkerConfig {
        @Override
        public Optional<String> baseUrl() {
            return Optional.of(url);
        }

        @Override
        public Optional<String> apiKey() {
            return Optional.of("tml-test-key");
        }

        @Override
        public String baseModel() {
            return "openai/gpt-oss-120b";
        }

        @Override
        public int saveStateEvery() {
            return 1;
        }

        @Override
        public String wireFormat() {
            return "auto";
        }

        @Override
        public Duration futureTimeout() {
            return Duration.ofMinutes(1);
        }

        @Override
        public Duration pollTimeout() {
            return Duration.ofSeconds(45);
        }
    }

    private static Set<String> fields(JsonNode body) {
        Set<String> out = new java.util.TreeSet<>();
        body.fieldNames().forEachRemaining(out::add);
        return out.stream().collect(Collectors.toSet());
    }
}
