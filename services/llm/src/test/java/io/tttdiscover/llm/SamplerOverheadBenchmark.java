package io.tttdiscover.llm;

import io.tttdiscover.llm.harmony.HarmonyTokenizer;
import io.tttdiscover.llm.openai.OpenAiPolicyBackend;
import io.tttdiscover.llm.openai.OpenAiSettings;
import io.tttdiscover.llm.sampling.SamplingSettings;
import io.tttdiscover.llm.testserver.Fixtures;
import io.tttdiscover.llm.testserver.JsonServer;
import io.tttdiscover.llm.testserver.OpenAiTestServer;
import io.tttdiscover.llm.testserver.ScriptedModel;
import io.tttdiscover.llm.testserver.TinkerTestServer;
import io.tttdiscover.llm.tinker.TinkerPolicyBackend;
import io.tttdiscover.llm.tinker.TinkerSettings;
import io.tttdiscover.protocol.pack.ProblemPack;
import io.tttdiscover.protocol.spi.PolicyBackend;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * What a sampler backend adds per sample over the model server's own time: render the prompt, encode, send, parse,
 * decode, extract the program. Median over 100 single-sample calls, after a warm-up; server time is measured inside
 * the test server's handler. Not a unit test: run it by hand (see the module README).
 */
public final class SamplerOverheadBenchmark {

    public static void main(String[] args) throws Exception {
        int samples = 100;
        Path problems = Path.of(args.length > 0 ? args[0] : "../../problems");
        ProblemPack pack = Files.isRegularFile(problems.resolve("trimul/prompt.md"))
                ? ProblemPack.load(problems, "trimul") : Fixtures.pack(Files.createTempDirectory("bench"));
        HarmonyTokenizer tok = new HarmonyTokenizer();
        String program = String.join("\n", Collections.nCopies(60, "    y = triton_kernel(x, BLOCK=128)  # fused"));
        ScriptedModel model = ScriptedModel.answering(tok, program);

        try (OpenAiTestServer server = new OpenAiTestServer("openai/gpt-oss-120b", model);
             OpenAiPolicyBackend backend = new OpenAiPolicyBackend(OpenAiSettings.defaults(server.uri()))) {
            report("openai (vLLM /v1/completions)", backend, server, pack, samples, 1);
        }
        try (TinkerTestServer server = new TinkerTestServer(model);
             TinkerPolicyBackend backend = new TinkerPolicyBackend(TinkerSettings.defaults(server.uri(), "tml-x"),
                     "openai/gpt-oss-120b", SamplingSettings.PAPER, "high")) {
            backend.onCheckpoint(Fixtures.checkpoint("bench", 1, "tinker://m:train:0/sampler_weights/000001"));
            report("tinker (asample + retrieve_future)", backend, server, pack, samples, 2);
        }
    }

    private static void report(String name, PolicyBackend backend, JsonServer server, ProblemPack pack, int samples,
                               int requestsPerSample) {
        for (int i = 0; i < 30; i++) {
            backend.sample(Fixtures.prompt("bench", 1), pack);
        }
        List<Double> overheadMs = new ArrayList<>();
        List<Double> totalMs = new ArrayList<>();
        for (int i = 0; i < samples; i++) {
            int before = server.handlerNanos.size();
            long start = System.nanoTime();
            backend.sample(Fixtures.prompt("bench", 1), pack);
            long total = System.nanoTime() - start;
            long inServer = 0;
            for (int k = before; k < server.handlerNanos.size(); k++) {
                inServer += server.handlerNanos.get(k);
            }
            overheadMs.add((total - inServer) / 1e6);
            totalMs.add(total / 1e6);
        }
        Collections.sort(overheadMs);
        Collections.sort(totalMs);
        int promptTokens = backend.sample(Fixtures.prompt("bench", 1), pack).get(0).trace().promptTokens().size();
        System.out.printf(Locale.ROOT, "%s: %d samples, prompt %d tokens, %d requests/sample: median overhead %.2f ms "
                        + "(p90 %.2f), median total %.2f ms%n", name, samples, promptTokens, requestsPerSample,
                overheadMs.get(samples / 2), overheadMs.get(samples * 9 / 10), totalMs.get(samples / 2));
    }
}
