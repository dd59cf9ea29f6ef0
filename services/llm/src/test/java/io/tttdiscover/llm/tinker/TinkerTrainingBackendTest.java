package io.tttdiscover.llm.tinker;

import com.fasterxml.jackson.databind.JsonNode;
import io.tttdiscover.llm.harmony.HarmonyTokenizer;
import io.tttdiscover.llm.testserver.Recorded;
import io.tttdiscover.llm.testserver.ScriptedModel;
import io.tttdiscover.llm.testserver.TinkerTestServer;
import io.tttdiscover.protocol.spi.AdamParams;
import io.tttdiscover.protocol.spi.Datum;
import io.tttdiscover.protocol.spi.ForwardBackwardResult;
import io.tttdiscover.protocol.spi.PolicyCheckpoint;
import io.tttdiscover.protocol.spi.TrainingSession;
import io.tttdiscover.protocol.spi.TrainingSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TinkerTrainingBackendTest {
    static final String SEED_STATE = "tinker://681a070d-2ef4-5b8c-a216-d4f22dca1efb:train:0/weights/000030";
    private static final String MODEL = "3f9c2a4e-0000-4000-8000-000000000001:train:0";
    private final TinkerTestServer server = new TinkerTestServer(ScriptedModel.answering(new HarmonyTokenizer(), "x"));

    private TinkerTrainingBackend backend;

    @AfterEach
    void stop() {
        if (backend != null) {
            backend.close();
        }
        server.close();
    }

    private TinkerTrainingBackend backend() {
        backend = new TinkerTrainingBackend(TinkerPolicyBackendTest.settings(server), "openai/gpt-oss-120b", 1);
        return backend;
    }

    private static TrainingSpec spec(String warmStart) {
        return new TrainingSpec("run1", null, "openai/gpt-oss-120b", 32, warmStart, "cuda", 7);
    }

    private static final Datum DATUM = new Datum(List.of(11, 12, 13), List.of(14, 15),
            List.of(-0.5, -0.25), List.of(1.5, 0.0));

    @Test
    void warmStartsFromTheSeedsTrainingStateAsIs() {
        TrainingSession session = backend().open(spec(SEED_STATE), null);
        JsonNode create = server.requests("/api/v1/create_model").get(0).body();
        assertEquals("3f9c2a4e-0000-4000-8000-000000000001", create.get("session_id").asText());
        assertEquals(0, create.get("model_seq_id").asInt());
        assertEquals("openai/gpt-oss-120b", create.get("base_model").asText());
        JsonNode lora = create.get("lora_config");
        assertEquals(32, lora.get("rank").asInt());
        assertEquals(7, lora.get("seed").asInt());
        assertTrue(lora.get("train_unembed").asBoolean() && lora.get("train_mlp").asBoolean()
                && lora.get("train_attn").asBoolean());
        assertEquals("create_model", create.get("type").asText());

        JsonNode load = server.requests("/api/v1/load_weights").get(0).body();
        assertEquals(MODEL, load.get("model_id").asText());
        assertEquals(SEED_STATE, load.get("path").asText());
        assertEquals(false, load.get("optimizer").asBoolean());
        assertEquals(1, load.get("seq_id").asInt());

        JsonNode save = server.requests("/api/v1/save_weights_for_sampler").get(0).body();
        assertEquals("000000", save.get("path").asText());
        assertEquals(2, save.get("seq_id").asInt());
        assertEquals("save_weights_for_sampler", save.get("type").asText());
        assertEquals(new PolicyCheckpoint(0, "tinker://" + MODEL + "/sampler_weights/000000", null),
                session.initialCheckpoint());
    }

    @Test
    void layOutTokenLevelDataExactlyAndStepInSeqIdOrder() {
        TrainingSession session = backend().open(spec(null), null);
        ForwardBackwardResult fb = session.forwardBackward(List.of(DATUM));
        Recorded r = server.requests("/api/v1/forward_backward").get(0);
        assertNotNull(r.header("X-Idempotency-Key"));
        assertEquals("tml-test-key", r.header("X-API-Key"));
        JsonNode b = r.body();
        assertEquals(MODEL, b.get("model_id").asText());
        assertEquals(2, b.get("seq_id").asInt(), "after the initial save_weights_for_sampler");
        assertEquals("importance_sampling", b.get("forward_backward_input").get("loss_fn").asText());
        JsonNode d = b.get("forward_backward_input").get("data").get(0);
        assertEquals("[{\"type\":\"encoded_text\",\"tokens\":[11,12,13,14]}]", d.get("model_input").get("chunks").toString());
        JsonNode in = d.get("loss_fn_inputs");
        assertEquals("{\"data\":[12,13,14,15],\"dtype\":\"int64\",\"shape\":[4]}", in.get("target_tokens").toString());
        assertEquals("{\"data\":[0.0,0.0,-0.5,-0.25],\"dtype\":\"float32\",\"shape\":[4]}", in.get("logprobs").toString());
        assertEquals("{\"data\":[0.0,0.0,1.5,0.0],\"dtype\":\"float32\",\"shape\":[4]}", in.get("advantages").toString());

        assertEquals(1, fb.learnerLogprobs().size());
        assertEquals(-0.6, fb.learnerLogprobs().get(0).get(0), 1e-6);
        assertEquals(-0.35, fb.learnerLogprobs().get(0).get(1), 1e-6);
        assertEquals(-1.5 * Math.exp(-0.1), fb.loss(), 1e-6);

        session.optimStep(AdamParams.paper(4e-5));
        JsonNode optim = server.requests("/api/v1/optim_step").get(0).body();
        assertEquals("{\"learning_rate\":4.0E-5,\"beta1\":0.9,\"beta2\":0.95,\"eps\":1.0E-8,\"weight_decay\":0.0,"
                + "\"grad_clip_norm\":0.0}", optim.get("adam_params").toString());
        assertEquals(3, optim.get("seq_id").asInt());
        assertEquals("optim_step", optim.get("type").asText());

        PolicyCheckpoint v1 = session.saveForSampler(1);
        assertEquals(new PolicyCheckpoint(1, "tinker://" + MODEL + "/sampler_weights/000001", null), v1);
        JsonNode state = server.requests("/api/v1/save_weights").get(0).body();
        assertEquals("000001", state.get("path").asText());
        assertEquals(5, state.get("seq_id").asInt());
        assertTrue(server.violations.isEmpty(), server.violations.toString());
    }

    @Test
    void splitsLargeBatchesIntoRequestsWithTheirOwnSeqIds() {
        TrainingSession session = backend().open(spec(null), null);
        List<Datum> data = new ArrayList<>(Collections.nCopies(1500, DATUM));
        List<Integer> longPrompt = Collections.nCopies(30_000, 7);
        data.add(new Datum(longPrompt, List.of(1), List.of(-1.0), List.of(1.0)));
        ForwardBackwardResult fb = session.forwardBackward(data);
        List<Recorded> requests = server.requests("/api/v1/forward_backward");
        assertEquals(2, requests.size());
        assertEquals(1024, requests.get(0).body().get("forward_backward_input").get("data").size());
        assertEquals(477, requests.get(1).body().get("forward_backward_input").get("data").size());
        assertEquals(2, requests.get(0).body().get("seq_id").asInt());
        assertEquals(3, requests.get(1).body().get("seq_id").asInt());
        assertEquals(1501, fb.learnerLogprobs().size());
        assertEquals(-1.1, fb.learnerLogprobs().get(1500).get(0), 1e-6);
        assertEquals(-(1500 * 1.5 + 1.0) * Math.exp(-0.1), fb.loss(), 1e-6, "loss:sum adds up across requests");
        List<List<Integer>> chunks = TinkerTrainingSession.chunks(Collections.nCopies(200,
                new Datum(Collections.nCopies(1000, 1), List.of(1), List.of(0.0), List.of(0.0))));
        assertEquals(List.of(123, 77), chunks.stream().map(List::size).toList(), "about 5 MB per request");
    }

    @Test
    void baseLogprobsComeFromPromptLogprobsOfTheBaseModel() {
        TrainingSession session = backend().open(spec(null), null);
        List<List<Double>> base = session.baseLogprobs(List.of(DATUM));
        assertEquals(List.of(List.of(-0.014, -0.015)), base);
        Recorded open = server.requests("/api/v1/create_sampling_session").get(0);
        assertEquals("openai/gpt-oss-120b", open.body().get("base_model").asText());
        JsonNode b = server.requests("/api/v1/asample").get(0).body();
        assertEquals("[11,12,13,14,15]", b.get("prompt").get("chunks").get(0).get("tokens").toString());
        assertEquals(1, b.get("sampling_params").get("max_tokens").asInt());
        assertTrue(b.get("prompt_logprobs").asBoolean());
        assertEquals(1, b.get("num_samples").asInt());
    }

    @Test
    void resumesFromTheStateSavedWithTheLastPublishedCheckpoint() {
        PolicyCheckpoint last = new PolicyCheckpoint(12, "tinker://old:train:0/sampler_weights/000012", null);
        TrainingSession session = backend().open(spec(SEED_STATE), last);
        JsonNode load = server.requests("/api/v1/load_weights").get(0).body();
        assertEquals("tinker://old:train:0/weights/000012", load.get("path").asText());
        assertTrue(load.get("optimizer").asBoolean());
        assertEquals(1, server.requests("/api/v1/load_weights").size());
        assertEquals(12, session.initialCheckpoint().version());
        assertEquals("tinker://old:train:0/weights/000010", TinkerTrainingSession.stateOf(last, 5));
        assertNull(TinkerTrainingSession.stateOf(new PolicyCheckpoint(3, "tinker://m/sampler_weights/000003", null), 5));
    }
}
