package io.tttdiscover.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import io.tttdiscover.cli.local.Workspace;
import io.tttdiscover.cli.sample.CandidateEvaluation;
import io.tttdiscover.cli.sample.PolicySampling;
import io.tttdiscover.cli.trainer.TrainerClient;
import io.tttdiscover.llm.harmony.HarmonyRenderer;
import io.tttdiscover.llm.harmony.HarmonyTokenizer;
import io.tttdiscover.llm.openai.OpenAiPolicyBackend;
import io.tttdiscover.llm.openai.OpenAiSettings;
import io.tttdiscover.llm.sampling.SamplingSettings;
import io.tttdiscover.llm.tinker.TinkerPolicyBackend;
import io.tttdiscover.llm.tinker.TinkerSettings;
import io.tttdiscover.protocol.event.CandidateEvent;
import io.tttdiscover.protocol.event.Event;
import io.tttdiscover.protocol.event.PromptEvent;
import io.tttdiscover.protocol.event.RewardEvent;
import io.tttdiscover.protocol.event.RewardStatus;
import io.tttdiscover.protocol.pack.ProblemPack;
import io.tttdiscover.protocol.spi.PolicyBackend;
import io.tttdiscover.protocol.spi.Sample;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "sample", description = {
        "Samples programs from a checkpoint with the prompt training uses (the pack's prompt on the parent program, "
                + "harmony-rendered, two-phase sampling, the last ```python block of the final answer), and "
                + "prints the chosen one or writes it (--out) as a GPU MODE submission.",
        "The policy: --checkpoint (a tinker://.../sampler_weights/... path, or an adapter path the OpenAI-compatible "
                + "server loads), --run (that run's latest checkpoint, from the trainer), or neither (the base model). "
                + "Sampled on Tinker (TINKER_API_KEY, TINKER_BASE_URL) unless --openai-url names a vLLM/SGLang server."})
public final class SampleCommand implements Callable<Integer> {
    @Option(names = "--checkpoint", description = "the checkpoint to sample from")
    String checkpoint;
    @Option(names = "--run", description = "sample from this run's latest checkpoint (its problem and target too)")
    String runId;
    @Mixin
    TrainerOption trainer;
    @Option(names = "--problem", description = "problem pack (default: the run's, else trimul)")
    String problem;
    @Option(names = "--problems", description = "folder of problem packs (default: problems/ of the installation)")
    Path problems;
    @Option(names = "--parent", description = "the program the prompt asks to improve: a file, or 'best' (the run's "
            + "best program); default: the pack's initial program, as step 0")
    String parent;
    @Option(names = "--parent-runtime-us", description = "the parent's runtime in the prompt (default: the best "
            + "program's; else \"not measured\")")
    Double parentRuntimeUs;
    @Option(names = "--samples", defaultValue = "1", description = "samples to draw (${DEFAULT-VALUE})")
    int samples;
    @Option(names = "--openai-url", description = "sample from this OpenAI-compatible server (vLLM, SGLang)")
    URI openaiUrl;
    @Option(names = "--openai-dialect", defaultValue = "vllm", description = "vllm or sglang (${DEFAULT-VALUE})")
    String openaiDialect;
    @Option(names = "--served-model", description = "with --openai-url and no checkpoint: a model or adapter name the "
            + "server already serves (default: the base model)")
    String servedModel;
    @Option(names = "--tinker-adapter-dir", description = "with --openai-url: where the server finds the PEFT export "
            + "of a tinker://X checkpoint, as <dir>/X")
    String tinkerAdapterDir;
    @Option(names = "--tinker-url", defaultValue = "${env:TINKER_BASE_URL:-" + TinkerSettings.HOSTED + "}",
            description = "Tinker or a Tinker-compatible server (env TINKER_BASE_URL; default the hosted service)")
    URI tinkerUrl;
    @Option(names = "--base-model", defaultValue = "openai/gpt-oss-120b", description = "(${DEFAULT-VALUE})")
    String baseModel;
    @Option(names = "--phase1-max-tokens", defaultValue = "26000", description = "prompt + thinking cap "
            + "(${DEFAULT-VALUE}, as discover.llm.phase1-max-tokens)")
    int phase1MaxTokens;
    @Option(names = "--context-tokens", defaultValue = "32768", description = "(${DEFAULT-VALUE})")
    int contextTokens;
    @Option(names = "--reasoning-effort", defaultValue = "high", description = "(${DEFAULT-VALUE})")
    String reasoningEffort;
    @Option(names = "--current-date", description = "the system message's date, YYYY-MM-DD (default: today)")
    LocalDate currentDate;
    @Option(names = "--out", description = "write the chosen program here (e.g. submission.py) instead of stdout")
    Path out;
    @Option(names = "--evaluate", description = "score the samples on the evaluators of --bootstrap-servers; the "
            + "fastest correct one is chosen")
    boolean evaluate;
    @Option(names = "--bootstrap-servers", defaultValue = "${env:DISCOVER_BOOTSTRAP_SERVERS:-127.0.0.1:9092}",
            description = "the Kafka cluster the evaluators consume (${DEFAULT-VALUE}; env DISCOVER_BOOTSTRAP_SERVERS)")
    String bootstrap;
    @Option(names = "--target", description = "cpu or cuda, for --evaluate (default: the run's, else cuda)")
    String target;

    @Override
    public Integer call() throws IOException {
        if (checkpoint != null && runId != null) {
            throw new IllegalArgumentException("give --checkpoint or --run, not both");
        }
        Optional<JsonNode> run = Optional.empty();
        TrainerClient client = null;
        String weightsUri = checkpoint;
        if (runId != null) {
            client = trainer.client();
            run = client.run(runId);
            JsonNode cp = client.checkpoint(runId)
                    .orElseThrow(() -> new IllegalArgumentException("run " + runId + " has no checkpoint yet"));
            weightsUri = cp.path("weightsUri").asText(null);
            if (weightsUri == null) {
                throw new IllegalArgumentException("run " + runId + " v" + cp.path("version").asLong() + " is an "
                        + cp.path("backend").asText() + " policy, which has no weights a model server can load");
            }
            System.err.println("run " + runId + ": checkpoint v" + cp.path("version").asLong() + " " + weightsUri);
        }
        String problemId = problem != null ? problem : run.map(r -> r.path("problemId").asText()).orElse("trimul");
        String evalTarget = target != null ? target
                : run.map(r -> r.path("config").path("target").asText(null)).orElse("cuda");
        ProblemPack pack = ProblemPack.load(problems != null ? problems : Workspace.current().problems(), problemId);

        String parentCode = null;
        Double runtime = parentRuntimeUs;
        if ("best".equals(parent)) {
            if (client == null) {
                throw new IllegalArgumentException("--parent best needs --run");
            }
            JsonNode best = client.best(runId)
                    .orElseThrow(() -> new IllegalArgumentException("run " + runId + " has no correct program yet"));
            parentCode = best.path("program").asText();
            if (runtime == null && best.path("runtimeUs").isNumber()) {
                runtime = best.path("runtimeUs").asDouble();
            }
        } else if (parent != null) {
            parentCode = Files.readString(Path.of(parent));
        }

        PromptEvent prompt = PolicySampling.prompt(pack, parentCode, runtime, samples, evalTarget);
        List<Sample> drawn;
        String backendName;
        try (PolicyBackend backend = backend()) {
            backendName = backend.name();
            drawn = PolicySampling.sample(backend, weightsUri, prompt, pack);
        }
        List<CandidateEvent> candidates = new ArrayList<>();
        for (int i = 0; i < drawn.size(); i++) {
            Sample s = drawn.get(i);
            candidates.add(new CandidateEvent(Event.CURRENT_SCHEMA, CandidateEvent.idOf(prompt.promptId(), i),
                    prompt.promptId(), prompt.runId(), 0, 0, i, pack.id(), prompt.parent().stateId(), s.policyVersion(),
                    backendName, s.program(), s.trace(), evalTarget, null,
                    System.currentTimeMillis()));
            System.err.printf(Locale.ROOT, "sample %d: %d completion tokens, %s%n", i,
                    s.trace().completionTokens().size(), s.program().isBlank() ? "no program" : s.program().lines().count() + " program lines");
        }
        Map<String, RewardEvent> rewards = Map.of();
        if (evaluate) {
            Duration wait = Duration.ofSeconds((long) pack.timeoutSeconds(evalTarget) + 120);
            rewards = CandidateEvaluation.evaluate(bootstrap, candidates, wait);
            for (CandidateEvent c : candidates) {
                RewardEvent r = rewards.get(c.candidateId());
                System.err.println("sample " + c.sample() + ": " + (r == null ? "no reward within " + wait.toSeconds()
                        + " s" : r.status() + " reward " + r.reward() + (r.runtimeUs() == null ? ""
                        : " runtime " + r.runtimeUs() + " us") + (r.message() == null ? "" : " (" + r.message() + ")")));
            }
        }
        Optional<CandidateEvent> chosen = choose(candidates, rewards);
        if (chosen.isEmpty()) {
            System.err.println(evaluate ? "no sample scored OK" : "no sample contained a ```python block");
            return 1;
        }
        String program = chosen.get().program().endsWith("\n") ? chosen.get().program()
                : chosen.get().program() + "\n";
        if (out != null) {
            Files.writeString(out, program);
            System.err.println("sample " + chosen.get().sample() + " written to " + out);
        } else {
            System.out.print(program);
        }
        return 0;
    }

    /** The fastest correct candidate when evaluated, else the first with a program. */
    static Optional<CandidateEvent> choose(List<CandidateEvent> candidates, Map<String, RewardEvent> rewards) {
        if (!rewards.isEmpty()) {
            return candidates.stream()
                    .filter(c -> rewards.containsKey(c.candidateId())
                            && rewards.get(c.candidateId()).status() == RewardStatus.OK)
                    .max(Comparator.comparingDouble(c -> rewards.get(c.candidateId()).reward()));
        }
        return candidates.stream().filter(c -> !c.program().isBlank()).findFirst();
    }

    private PolicyBackend backend() {
        SamplingSettings sampling = new SamplingSettings(phase1MaxTokens, contextTokens);
        if (openaiUrl != null) {
            OpenAiSettings settings = OpenAiSettings.defaults(openaiUrl)
                    .with(OpenAiSettings.Dialect.valueOf(openaiDialect.toUpperCase(Locale.ROOT)),
                            System.getenv("DISCOVER_OPENAI_API_KEY"), 5,
                            Duration.ofMillis(500))
                    .withSampling(sampling)
                    .withModel(servedModel != null ? servedModel : baseModel)
                    .withCurrentDate(currentDate)
                    .withReasoningEffort(reasoningEffort)
                    .withTinkerAdapterDir(tinkerAdapterDir);
            return new OpenAiPolicyBackend(settings);
        }
        return new TinkerPolicyBackend(TinkerSettings.defaults(tinkerUrl, System.getenv("TINKER_API_KEY")),
                baseModel, sampling, new HarmonyRenderer(new HarmonyTokenizer(), reasoningEffort, currentDate));
    }
}
