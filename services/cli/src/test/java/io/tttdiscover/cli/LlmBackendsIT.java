package io.tttdiscover.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.tttdiscover.cli.local.LocalStack;
import io.tttdiscover.cli.local.StackOptions;
import io.tttdiscover.cli.report.CheckpointLog;
import io.tttdiscover.cli.report.TopicReader;
import io.tttdiscover.cli.run.RunOutcome;
import io.tttdiscover.protocol.api.RunRequest;
import io.tttdiscover.cli.run.RunWatcher;
import io.tttdiscover.cli.trainer.TrainerClient;
import io.tttdiscover.llm.harmony.HarmonyRenderer;
import io.tttdiscover.llm.harmony.HarmonyTokenizer;
import io.tttdiscover.llm.testserver.OpenAiTestServer;
import io.tttdiscover.llm.testserver.Recorded;
import io.tttdiscover.llm.testserver.ScriptedModel;
import io.tttdiscover.llm.testserver.TinkerTestServer;
import io.tttdiscover.protocol.Topics;
import io.tttdiscover.protocol.event.CandidateEvent;
import io.tttdiscover.protocol.event.CheckpointEvent;
import io.tttdiscover.protocol.event.EventCodec;
import io.tttdiscover.protocol.event.PromptEvent;
import io.tttdiscover.protocol.event.RewardEvent;
import io.tttdiscover.protocol.event.RewardStatus;
import io.tttdiscover.protocol.pack.ProblemPack;
import io.tttdiscover.protocol.pack.ProgramSpace;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The LLM path end to end over Kafka, with both backends pointed at the llm module's wire-faithful test servers: the
 * sampler's {@code openai} backend samples from the vLLM-like {@link OpenAiTestServer}, the trainer's {@code tinker}
 * backend trains on the {@link TinkerTestServer}; broker, PostgreSQL, trainer, sampler and evaluator run as in
 * {@code discover run}, and the real evaluator scores the real TriMul programs the scripted model writes.
 *
 * <p>The sampler hot-loads each checkpoint's {@code tinker://X} path as {@code <tinker-adapter-dir>/X}, where a real
 * deployment places the PEFT export of that sampler checkpoint (see services/llm/README.md); the test server accepts
 * any path.
 */
class LlmBackendsIT {
    private static final int STEPS = 2;
    private static final int GROUPS = 2;
    private static final int GROUP_SIZE = 2;
    private static final String PROBLEM = "trimul";
    private static final String TARGET = "cpu";
    private static final String BASE_MODEL = "openai/gpt-oss-120b";
    private static final int LORA_RANK = 32;
    private static final String ADAPTER_DIR = "/srv/peft";
    private static final double LEARNING_RATE = 4e-5;
    private static final List<String> MODEL_OPERATIONS = List.of("forward_backward", "optim_step",
            "save_weights_for_sampler", "save_weights", "load_weights");

    /**
     * One short run per Tinker dialect the trainer meets: the hosted service (protobuf forward_backward, zstd, strict
     * models), SkyRL's API (JSON, no key check, no prompt logprobs: KL off) and TuFT (strict, protobuf only, 408 on a
     * held poll). The hosted run also samples its last checkpoint with {@code discover sample --evaluate}.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"hosted", "skyrl", "tuft"})
    void samplerAndTrainerSpeakTheModelServersWireOverKafka(String dialectName) {
        TinkerTestServer.Dialect dialect = switch (dialectName) {
            case "hosted" -> TinkerTestServer.Dialect.HOSTED;
            case "skyrl" -> TinkerTestServer.Dialect.SKYRL;
            default -> TinkerTestServer.Dialect.TUFT;
        };
        ItStack.assumeRunnable();
        Path repo = ItStack.REPO;
        ProblemPack pack = ProblemPack.load(repo.resolve("problems"), PROBLEM);
        HarmonyTokenizer tok = new HarmonyTokenizer();
        TriMulModel model = new TriMulModel(tok, pack.programSpace());

        String dbUrl = ItStack.database("discover_llm_it");
        // One date for the sampler's and this test's renderings: a run across midnight would otherwise differ.
        LocalDate today = LocalDate.now();
        try (OpenAiTestServer vllm = new OpenAiTestServer(BASE_MODEL, model);
             TinkerTestServer tinker = new TinkerTestServer(model, dialect)) {
            StackOptions options = new StackOptions(dbUrl, 1, Map.of(), Map.of(
                    "sampler", Map.of(
                            "DISCOVER_POLICY_BACKEND", "openai",
                            "DISCOVER_OPENAI_BASE_URL", vllm.uri().toString(),
                            "DISCOVER_OPENAI_MODEL", BASE_MODEL,
                            "DISCOVER_OPENAI_TINKER_ADAPTER_DIR", ADAPTER_DIR,
                            "DISCOVER_LLM_CURRENT_DATE", today.toString()),
                    "trainer", Map.of(
                            "TINKER_BASE_URL", tinker.uri().toString(),
                            "TINKER_API_KEY", "tml-test",
                            "DISCOVER_LLM_CURRENT_DATE", today.toString()),
                    "evaluator", ItStack.QUICK_EVALUATOR));
            long t0 = System.currentTimeMillis();
            try (LocalStack stack = ItStack.start("llm", options)) {
                System.out.printf("stack up in %.1f s%n", (System.currentTimeMillis() - t0) / 1000.0);

                RunRequest request = RunRequest.live(PROBLEM, STEPS, GROUPS, GROUP_SIZE, TARGET, 11, null)
                        .with(Map.of("trainingBackend", "tinker", "klCoef", 0.1, "loraRank", LORA_RANK,
                                "baseModel", BASE_MODEL, "learningRate", LEARNING_RATE, "groupDeadlineSeconds", 120));
                RunOutcome run = new RunWatcher(new TrainerClient(stack.service("trainer").url()),
                        stack.bootstrapServers(), stack.processes(), System.out)
                        .createAndWatch(request, Duration.ofMinutes(5));
                assertEquals("COMPLETED", run.status(), () -> "run ended " + run.status() + ": " + run.message()
                        + "\n" + ItStack.tails(stack));
                System.out.printf("run %s completed in %.1f s%n", run.runId(), run.runWallMs() / 1000.0);

                String bootstrap = stack.bootstrapServers();
                List<PromptEvent> prompts = read(bootstrap, Topics.PROMPTS, EventCodec::prompt).stream()
                        .filter(p -> p.runId().equals(run.runId())).toList();
                List<CandidateEvent> candidates = read(bootstrap, Topics.CANDIDATES, EventCodec::candidate).stream()
                        .filter(c -> c.runId().equals(run.runId())).toList();
                List<CheckpointEvent> checkpoints = CheckpointLog.read(bootstrap, run.runId());
                // The sampler loads the final checkpoint after the run has finished: give it a moment.
                awaitAdapterLoads(vllm, checkpoints.size());

                Map<String, List<Integer>> rendered = new HashMap<>();
                HarmonyRenderer renderer = new HarmonyRenderer(tok, "high", today);
                prompts.forEach(p -> rendered.put(p.promptId(), renderer.render(p, pack)));

                checkpointsCarryTheSamplerPathsTinkerReturned(tinker, checkpoints);
                samplerSentHarmonyTokenPromptsToTheLoadedAdapter(vllm, run.runId(), prompts, rendered, checkpoints);
                candidatesCarryWhatTheServerReturned(model, prompts, rendered, candidates);
                rewardsIncludeSuccessAndFailure(run);
                trainerDroveTinker(tinker, candidates);
                if (dialect == TinkerTestServer.Dialect.HOSTED) {
                    sampleCommandScoresTheLatestCheckpoint(repo, stack, run.runId(), vllm, model, today);
                }
                System.out.printf("%s: whole test %.1f s%n", dialectName, (System.currentTimeMillis() - t0) / 1000.0);
            }
        }
    }

    /** {@code discover sample --run --evaluate}: the run's last adapter, the evaluators' reward, the submission file. */
    private static void sampleCommandScoresTheLatestCheckpoint(Path repo, LocalStack stack, String runId,
                                                               OpenAiTestServer vllm, TriMulModel model,
                                                               LocalDate today) {
        Path out = repo.resolve("services/cli/target/it-llm-submission.py");
        int before = vllm.requests("/v1/completions").size();
        int code = Discover.commandLine().execute("sample", "--run", runId, "--trainer", stack.service("trainer").url(),
                "--problems", repo.resolve("problems").toString(), "--openai-url", vllm.uri().toString(),
                "--tinker-adapter-dir", ADAPTER_DIR, "--current-date", today.toString(), "--samples", "2",
                "--evaluate", "--bootstrap-servers", stack.bootstrapServers(), "--out", out.toString());
        assertEquals(0, code, "discover sample exit code");
        List<Recorded> sent = vllm.requests("/v1/completions");
        assertEquals(before + 1, sent.size(), "one completion request");
        Recorded r = sent.get(before);
        TriMulModel.Answer first = model.returned.get(new TriMulModel.Key(ints(r.body().path("prompt")), 0));
        assertNotNull(first, "the server answered sample 0");
        try {
            assertEquals(first.program().strip(), Files.readString(out).strip(), "the scored program was written");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void checkpointsCarryTheSamplerPathsTinkerReturned(TinkerTestServer tinker,
                                                                    List<CheckpointEvent> checkpoints) {
        assertEquals(STEPS + 1, checkpoints.size(), "versions 0.." + STEPS + " on the checkpoints topic");
        List<Recorded> saves = tinker.requests("/save_weights_for_sampler");
        assertEquals(STEPS + 1, saves.size(), "one sampler save per version");
        for (int v = 0; v <= STEPS; v++) {
            CheckpointEvent cp = checkpoints.get(v);
            assertEquals(v, cp.policyVersion());
            assertEquals("tinker", cp.backend());
            assertNull(cp.embeddedPolicy(), "an LLM checkpoint has no embedded policy");
            JsonNode save = saves.get(v).body();
            String returned = "tinker://" + save.path("model_id").asText() + "/sampler_weights/"
                    + save.path("path").asText();
            assertEquals(String.format("%06d", v), save.path("path").asText());
            assertEquals(returned, cp.weightsUri(), "checkpoint v" + v + " carries the path Tinker returned");
        }
        assertNotNull(checkpoints.get(STEPS).metrics(), "the last checkpoint carries its step's metrics");
    }

    private static void samplerSentHarmonyTokenPromptsToTheLoadedAdapter(OpenAiTestServer vllm, String runId,
                                                                       List<PromptEvent> prompts,
                                                                       Map<String, List<Integer>> rendered,
                                                                       List<CheckpointEvent> checkpoints) {
        String adapter = "run-" + runId.replaceAll("[^A-Za-z0-9_.-]", "_");
        List<Recorded> all = List.copyOf(vllm.requests());
        Map<Long, Integer> loadedAt = new HashMap<>();
        for (int i = 0; i < all.size(); i++) {
            Recorded r = all.get(i);
            if (!r.path().equals("/v1/load_lora_adapter")) {
                continue;
            }
            assertEquals(adapter, r.body().path("lora_name").asText());
            assertTrue(r.body().path("load_inplace").asBoolean(), "hot swap in place: " + r.body());
            String path = r.body().path("lora_path").asText();
            CheckpointEvent cp = checkpoints.stream()
                    .filter(c -> path.equals(ADAPTER_DIR + "/" + c.weightsUri().substring("tinker://".length())))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("loaded an adapter no checkpoint names: " + path));
            loadedAt.putIfAbsent(cp.policyVersion(), i);
        }
        for (CheckpointEvent cp : checkpoints) {
            assertTrue(loadedAt.containsKey(cp.policyVersion()), "the adapter of v" + cp.policyVersion()
                    + " was hot-loaded: " + loadedAt);
        }

        assertEquals(STEPS * GROUPS, prompts.size(), "prompts of the run");
        Set<String> answered = new TreeSet<>();
        for (int i = 0; i < all.size(); i++) {
            Recorded r = all.get(i);
            if (!r.path().equals("/v1/completions")) {
                continue;
            }
            List<Integer> sent = ints(r.body().path("prompt"));
            assertEquals(HarmonyTokenizer.START, sent.get(0), "a harmony prompt starts with <|start|>");
            // Groups with the same parent render the same tokens; the request's seed (the prompt id's hash, so a
            // redelivered prompt gets the same samples) tells the prompts apart.
            long seed = r.body().path("seed").asLong();
            PromptEvent prompt = prompts.stream()
                    .filter(p -> Integer.toUnsignedLong(p.promptId().hashCode()) == seed).findFirst()
                    .orElseThrow(() -> new AssertionError("a completion request of no prompt: seed " + seed));
            assertEquals(rendered.get(prompt.promptId()), sent, prompt.promptId() + ": the harmony rendering");
            assertTrue(answered.add(prompt.promptId()), prompt.promptId() + " sampled once");
            assertEquals(GROUP_SIZE, r.body().path("n").asInt());
            assertTrue(r.body().path("return_token_ids").asBoolean());
            assertEquals(adapter, r.body().path("model").asText(), "sampled from the run's adapter");
            Integer load = loadedAt.get(prompt.policyVersion());
            assertTrue(load != null && load < i, "prompt " + prompt.promptId() + " (v" + prompt.policyVersion()
                    + ") sampled after its adapter was loaded");
        }
        assertEquals(STEPS * GROUPS, answered.size(), "every prompt sampled: " + answered);
        assertTrue(prompts.stream().anyMatch(p -> p.step() == 1 && p.policyVersion() == 1),
                "step 1 asks for the policy trained in step 0");
    }

    private static void candidatesCarryWhatTheServerReturned(TriMulModel model, List<PromptEvent> prompts,
                                                             Map<String, List<Integer>> rendered,
                                                             List<CandidateEvent> candidates) {
        assertEquals(STEPS * GROUPS * GROUP_SIZE, candidates.size(), "candidates of the run");
        for (CandidateEvent c : candidates) {
            PromptEvent prompt = prompts.stream().filter(p -> p.promptId().equals(c.promptId())).findFirst()
                    .orElseThrow();
            assertEquals("openai", c.backend());
            assertEquals(prompt.policyVersion(), c.policyVersion());
            assertEquals(rendered.get(c.promptId()), c.trace().promptTokens(), c.candidateId() + " prompt tokens");
            TriMulModel.Answer answer = model.returned.get(new TriMulModel.Key(c.trace().promptTokens(), c.sample()));
            assertNotNull(answer, c.candidateId() + ": the server answered this prompt and sample");
            assertEquals(answer.output().tokens(), c.trace().completionTokens(), c.candidateId() + " token ids");
            assertEquals(answer.output().logprobs(), c.trace().completionLogprobs(), c.candidateId() + " logprobs");
            assertEquals(answer.program().strip(), c.program().strip(), c.candidateId() + " program");
        }
    }

    private static void rewardsIncludeSuccessAndFailure(RunOutcome run) {
        assertEquals(STEPS * GROUPS * GROUP_SIZE, run.rewards().size(), "one reward per candidate");
        Map<RewardStatus, Long> statuses = run.rewards().stream()
                .collect(Collectors.groupingBy(RewardEvent::status, Collectors.counting()));
        System.out.println("reward statuses: " + statuses);
        assertTrue(run.rewards().stream().anyMatch(r -> r.status() == RewardStatus.OK && r.reward() > 0),
                "a real TriMul program scored: " + statuses);
        assertTrue(run.rewards().stream().anyMatch(r -> !r.status().success() && r.reward() == 0),
                "the broken program failed: " + statuses);
    }

    private static void trainerDroveTinker(TinkerTestServer tinker, List<CandidateEvent> candidates) {
        assertTrue(tinker.violations.isEmpty(), "seq_id violations: " + tinker.violations);
        for (Recorded r : tinker.requests()) {
            assertEquals("tml-test", r.header("X-API-Key"), r.path() + " carries the API key");
        }
        assertFalse(tinker.requests("/create_session").isEmpty(), "a session");
        List<Recorded> creates = tinker.requests("/create_model");
        assertEquals(1, creates.size(), "one model for the run");
        JsonNode create = creates.get(0).body();
        assertEquals(BASE_MODEL, create.path("base_model").asText());
        assertEquals(LORA_RANK, create.path("lora_config").path("rank").asInt());

        long last = 0;
        List<String> order = new ArrayList<>();
        for (Recorded r : tinker.requests()) {
            String op = r.path().substring(r.path().lastIndexOf('/') + 1);
            if (MODEL_OPERATIONS.contains(op)) {
                long seq = r.body().path("seq_id").asLong();
                assertTrue(seq > last, op + " seq_id " + seq + " after " + last);
                last = seq;
                order.add(op);
            }
        }
        System.out.println("tinker model operations: " + order);

        List<Recorded> fbs = tinker.requests("/forward_backward");
        assertEquals(STEPS, fbs.size(), "one forward_backward per step");
        Map<List<Integer>, CandidateEvent> byInput = new HashMap<>();
        for (CandidateEvent c : candidates) {
            List<Integer> input = new ArrayList<>(c.trace().promptTokens());
            input.addAll(c.trace().completionTokens().subList(0, c.trace().completionTokens().size() - 1));
            byInput.put(input, c);
        }
        for (Recorded fb : fbs) {
            JsonNode in = fb.body().path("forward_backward_input");
            assertEquals("importance_sampling", in.path("loss_fn").asText());
            assertFalse(in.path("data").isEmpty(), "datums");
            for (JsonNode datum : in.path("data")) {
                List<Integer> input = ints(datum.path("model_input").path("chunks").get(0).path("tokens"));
                CandidateEvent c = byInput.get(input);
                assertNotNull(c, "a datum is a candidate's prompt + completion[:-1]");
                JsonNode fields = datum.path("loss_fn_inputs");
                List<Double> advantages = doubles(fields.path("advantages").path("data"));
                List<Double> logprobs = doubles(fields.path("logprobs").path("data"));
                assertEquals(input.size(), advantages.size());
                int firstCompletion = c.trace().promptTokens().size() - 1;
                for (int t = 0; t < advantages.size(); t++) {
                    if (t < firstCompletion) {
                        assertEquals(0.0, advantages.get(t), c.candidateId() + " prompt position " + t);
                        assertEquals(0.0, logprobs.get(t), c.candidateId() + " prompt position " + t);
                    } else {
                        assertNotEquals(0.0, advantages.get(t), c.candidateId() + " completion position " + t);
                        assertEquals(c.trace().completionLogprobs().get(t - firstCompletion), logprobs.get(t), 1e-6,
                                c.candidateId() + " sampler logprob at " + t);
                    }
                }
                List<Integer> targets = ints(fields.path("target_tokens").path("data"));
                assertEquals(c.trace().completionTokens(), targets.subList(firstCompletion, targets.size()),
                        "targets end with the completion");
            }
        }
        List<Recorded> optim = tinker.requests("/optim_step");
        assertEquals(STEPS, optim.size(), "one optim_step per step");
        optim.forEach(o -> assertEquals(LEARNING_RATE, o.body().path("adam_params").path("learning_rate").asDouble(),
                1e-12));
        assertFalse(tinker.requests("/asample").isEmpty(), "base-model logprobs for the KL term (klCoef 0.1)");
    }

    private static void awaitAdapterLoads(OpenAiTestServer vllm, int versions) {
        long deadline = System.currentTimeMillis() + 15_000;
        while (vllm.requests("/v1/load_lora_adapter").size() < versions && System.currentTimeMillis() < deadline) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static <T> List<T> read(String bootstrap, String topic, java.util.function.Function<String, T> decode) {
        List<T> out = new ArrayList<>();
        for (ConsumerRecord<String, String> r : TopicReader.readToEnd(bootstrap, topic, TopicReader.Start.BEGINNING)) {
            out.add(decode.apply(r.value()));
        }
        return out;
    }

    private static List<Integer> ints(JsonNode array) {
        List<Integer> out = new ArrayList<>(array.size());
        array.forEach(x -> out.add(x.asInt()));
        return out;
    }

    private static List<Double> doubles(JsonNode array) {
        List<Double> out = new ArrayList<>(array.size());
        array.forEach(x -> out.add(x.asDouble()));
        return out;
    }

    /**
     * gpt-oss as the test servers play it: a short analysis message, then a final message with one python block.
     * Sample 0 of a request writes a real TriMul program (the baseline or a variant, by prompt), every odd sample a
     * program that does not parse; each group thus has a success and a failure, so its advantages are nonzero.
     * Every answer is remembered by (prompt, sample index) to compare with what reaches Kafka.
     */
    static final class TriMulModel implements ScriptedModel {
        record Key(List<Integer> prompt, int sample) {
        }

        record Answer(String program, Output output) {
        }

        static final String BROKEN = "import torch\n\ndef custom_kernel(data)\n    return data[0]\n";

        final Map<Key, Answer> returned = new ConcurrentHashMap<>();
        private final HarmonyTokenizer tok;
        private final List<String> programs = new ArrayList<>();

        TriMulModel(HarmonyTokenizer tok, ProgramSpace space) {
            this.tok = tok;
            programs.add(space.render(space.baseline()));
            List<boolean[]> available = space.available(TARGET);
            for (int d = 0; d < Math.min(2, space.size()); d++) {
                for (int a = 1; a < available.get(d).length; a++) {
                    if (available.get(d)[a]) {
                        List<Integer> choices = new ArrayList<>(space.baseline());
                        choices.set(d, a);
                        programs.add(space.render(choices));
                        break;
                    }
                }
            }
        }

        @Override
        public Output generate(List<Integer> prompt, int maxTokens, int sampleIndex) {
            String program = sampleIndex % 2 == 1 ? BROKEN
                    : programs.get(Math.floorMod(prompt.hashCode() + sampleIndex / 2, programs.size()));
            List<Integer> full = new HarmonyTokenizer.Builder(tok)
                    .special(HarmonyTokenizer.CHANNEL).text("analysis").special(HarmonyTokenizer.MESSAGE)
                    .text("The reference runs five projections and an einsum; keep it simple and correct.")
                    .special(HarmonyTokenizer.END)
                    .special(HarmonyTokenizer.START).text("assistant").special(HarmonyTokenizer.CHANNEL)
                    .text("final").special(HarmonyTokenizer.MESSAGE)
                    .text("Here is the kernel:\n```python\n" + program + "\n```")
                    .special(HarmonyTokenizer.RETURN)
                    .build();
            Output out = ScriptedModel.truncated(full, maxTokens, sampleIndex);
            returned.put(new Key(List.copyOf(prompt), sampleIndex), new Answer(program, out));
            return out;
        }
    }
}
