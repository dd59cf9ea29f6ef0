package io.tttdiscover.cli.command;

import com.sun.net.httpserver.HttpServer;
import io.tttdiscover.cli.Discover;
import io.tttdiscover.llm.harmony.HarmonyRenderer;
import io.tttdiscover.llm.harmony.HarmonyTokenizer;
import io.tttdiscover.llm.testserver.Fixtures;
import io.tttdiscover.llm.testserver.OpenAiTestServer;
import io.tttdiscover.llm.testserver.Recorded;
import io.tttdiscover.llm.testserver.ScriptedModel;
import io.tttdiscover.llm.testserver.TinkerTestServer;
import io.tttdiscover.protocol.pack.ProblemPack;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code discover sample} against the llm module's vLLM-like and Tinker-compatible test servers. */
class SampleCommandTest {
    private static final String MODEL = "openai/gpt-oss-120b";
    private static final LocalDate DATE = LocalDate.of(2026, 3, 14);
    private final HarmonyTokenizer tok = new HarmonyTokenizer();
    @TempDir
    Path dir;

    @Test
    void aTinkerCheckpointOnVllmLoadsItsPeftExportAndWritesTheSubmission() throws IOException {
        ProblemPack pack = Fixtures.pack(dir);
        Path out = dir.resolve("submission.py");
        try (OpenAiTestServer vllm = new OpenAiTestServer(MODEL, ScriptedModel.answering(tok, Fixtures.PROGRAM))) {
            Run r = discover("sample", "--problems", dir.toString(), "--problem", "toy", "--samples", "2",
                    "--openai-url", vllm.uri().toString(), "--checkpoint", "tinker://m1:train:0/sampler_weights/000003",
                    "--tinker-adapter-dir", "/srv/peft", "--current-date", DATE.toString(), "--out", out.toString());
            assertEquals(0, r.code, r.err);
            assertEquals("/srv/peft/m1:train:0/sampler_weights/000003",
                    vllm.requests("/v1/load_lora_adapter").get(0).body().path("lora_path").asText());
            Recorded completion = vllm.requests("/v1/completions").get(0);
            assertEquals(trainingPrompt(pack, null, null), ints(completion), "the prompt training renders (step 0)");
            assertEquals(2, completion.body().path("n").asInt());
            assertEquals(Fixtures.PROGRAM + "\n", Files.readString(out));
            assertEquals("", r.out, "the program went to --out");
        }
    }

    @Test
    void aTinkerCheckpointIsSampledOnTinkerAndPrinted() {
        Fixtures.pack(dir);
        String path = "tinker://m1:train:0/sampler_weights/000002";
        try (TinkerTestServer tinker = new TinkerTestServer(ScriptedModel.answering(tok, Fixtures.PROGRAM),
                TinkerTestServer.Dialect.SKYRL.holdingPolls(50))) {
            Run r = discover("sample", "--problems", dir.toString(), "--problem", "toy",
                    "--tinker-url", tinker.uri().toString(), "--checkpoint", path);
            assertEquals(0, r.code, r.err);
            assertEquals(path, tinker.requests("/api/v1/create_sampling_session").get(0).body().path("model_path")
                    .asText());
            assertEquals(Fixtures.PROGRAM + "\n", r.out);
        }
    }

    @Test
    void aRunsLatestCheckpointAndBestProgramComeFromTheTrainer() throws IOException {
        ProblemPack pack = Fixtures.pack(dir);
        String best = "def custom_kernel(data):\n    return data[0] * 1";
        HttpServer trainer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        Map<String, String> answers = Map.of(
                "/runs/r1", "{\"id\":\"r1\",\"problemId\":\"toy\",\"status\":\"RUNNING\",\"config\":{\"target\":\"cpu\"}}",
                "/runs/r1/checkpoint", "{\"runId\":\"r1\",\"version\":4,\"step\":3,\"backend\":\"tinker\","
                        + "\"weightsUri\":\"/adapters/r1/000004\"}",
                "/runs/r1/best", "{\"runId\":\"r1\",\"runtimeUs\":1800.0,\"program\":\"" + best.replace("\n", "\\n")
                        + "\"}");
        trainer.createContext("/", ex -> {
            String body = answers.get(ex.getRequestURI().getPath());
            byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(body == null ? 404 : 200, bytes.length == 0 ? -1 : bytes.length);
            ex.getResponseBody().write(bytes);
            ex.close();
        });
        trainer.start();
        try (OpenAiTestServer vllm = new OpenAiTestServer(MODEL, ScriptedModel.answering(tok, Fixtures.PROGRAM))) {
            Run r = discover("sample", "--problems", dir.toString(), "--run", "r1", "--parent", "best",
                    "--trainer", "http://127.0.0.1:" + trainer.getAddress().getPort(),
                    "--openai-url", vllm.uri().toString(), "--current-date", DATE.toString());
            assertEquals(0, r.code, r.err);
            assertEquals("/adapters/r1/000004", vllm.adapters.values().iterator().next());
            assertEquals(trainingPrompt(pack, best, 1800.0), ints(vllm.requests("/v1/completions").get(0)),
                    "the prompt on the run's best program and its runtime");
            assertTrue(r.err.contains("checkpoint v4"), r.err);
            assertEquals(Fixtures.PROGRAM + "\n", r.out);
        } finally {
            trainer.stop(0);
        }
    }

    @Test
    void aTinkerCheckpointForVllmWithoutAnAdapterDirIsRefusedWithTheOptionToGive() {
        Fixtures.pack(dir);
        try (OpenAiTestServer vllm = new OpenAiTestServer(MODEL, ScriptedModel.answering(tok, Fixtures.PROGRAM))) {
            Run r = discover("sample", "--problems", dir.toString(), "--problem", "toy",
                    "--openai-url", vllm.uri().toString(), "--checkpoint", "tinker://m1:train:0/sampler_weights/1");
            assertEquals(1, r.code);
            assertTrue(r.err.contains("tinker-adapter-dir"), r.err);
        }
    }

    private List<Integer> trainingPrompt(ProblemPack pack, String parent, Double runtime) {
        return new HarmonyRenderer(tok, "high", DATE).renderConversation(pack.renderPrompt(parent, runtime));
    }

    private static List<Integer> ints(Recorded r) {
        List<Integer> out = new ArrayList<>();
        r.body().path("prompt").forEach(t -> out.add(t.asInt()));
        return out;
    }

    private record Run(int code, String out, String err) {
    }

    private static Run discover(String... args) {
        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            var cmd = Discover.commandLine();
            cmd.setErr(new java.io.PrintWriter(System.err, true));
            int code = cmd.execute(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(stdout);
            System.setErr(stderr);
        }
    }
}
