package io.tttdiscover.protocol.pack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.tttdiscover.protocol.Topics;
import io.tttdiscover.protocol.event.MaskSemantics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A problem as data: {@code problems/<id>/pack.yml} and the files it names. Every service reads packs through this
 * class, so a new problem is a new folder, not a code change.
 */
public final class ProblemPack {
    /** The largest program of a pack that declares no {@code max_program_bytes} (256 KiB). */
    public static final int DEFAULT_MAX_PROGRAM_BYTES = 256 * 1024;

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static final String DEFAULT_WITH_PARENT = """
            Here is the last code we ran:

            ```python
            {{parent_code}}
            ```

            Its runtime is {{parent_runtime_us}} us ({{gap}}; target {{target_us}} us).""";
    private static final String DEFAULT_WITHOUT_PARENT = "There is no previous code yet: write the first version.";

    private final Path dir;
    private final JsonNode root;
    private ProgramSpace programSpace;

    private ProblemPack(Path dir, JsonNode root) {
        this.dir = dir;
        this.root = root;
    }

    /** Loads {@code <problemsDir>/<id>/pack.yml}. */
    public static ProblemPack load(Path problemsDir, String id) {
        Path dir = problemsDir.resolve(id);
        Path file = dir.resolve("pack.yml");
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no problem pack " + id + " (looked for " + file.toAbsolutePath() + ")");
        }
        try {
            return new ProblemPack(dir, YAML.readTree(file.toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    public String id() {
        return root.path("id").asText(dir.getFileName().toString());
    }

    public Path dir() {
        return dir;
    }

    public double rewardScale() {
        return root.path("reward_scale").asDouble(1.0);
    }

    /** Which way the score improves ({@code score.better}: lower, the default, or higher). */
    public ScoreOrder scoreOrder() {
        return ScoreOrder.parse(root.path("score").path("better").asText("lower"));
    }

    /** The reward of a successful evaluation with this score: reward_scale / score, or reward_scale * score. */
    public double reward(double score) {
        return scoreOrder().reward(rewardScale(), score);
    }

    /** What the score is, in words ({@code score.name}), e.g. "sum of radii". */
    public String scoreName() {
        return root.path("score").path("name").asText("runtime");
    }

    /** The score's unit ({@code score.unit}), e.g. "us"; empty for a pure number. */
    public String scoreUnit() {
        return root.path("score").path("unit").asText(scoreOrder() == ScoreOrder.LOWER_IS_BETTER ? "us" : "");
    }

    /** The score the prompt aims at ({@code target}, or {@code target_us}); 0 for none. */
    public double target() {
        return root.path("target").asDouble(root.path("target_us").asDouble(0));
    }

    public double atol() {
        return root.path("tolerance").path("atol").asDouble();
    }

    public double rtol() {
        return root.path("tolerance").path("rtol").asDouble();
    }

    /**
     * The mask semantics of a run that asks for none ({@code mask_semantics}; a pack without the key means
     * as-specified).
     *
     * @throws IllegalArgumentException when the pack names an unknown one
     */
    public MaskSemantics maskSemantics() {
        return MaskSemantics.parse(root.path("mask_semantics").asText(MaskSemantics.AS_SPECIFIED.wire()));
    }

    /**
     * The largest program (UTF-8 bytes) a candidate of this problem may carry ({@code max_program_bytes}); a longer
     * one is rejected, never forwarded. See {@link Topics} for how it relates to the record limits.
     *
     * @throws IllegalArgumentException when the pack declares a value below 1 or above {@link Topics#MAX_PROGRAM_BYTES}
     */
    public int maxProgramBytes() {
        JsonNode node = root.path("max_program_bytes");
        if (node.isMissingNode() || node.isNull()) {
            return DEFAULT_MAX_PROGRAM_BYTES;
        }
        if (!node.canConvertToInt() || node.asInt() < 1 || node.asInt() > Topics.MAX_PROGRAM_BYTES) {
            throw new IllegalArgumentException("pack " + id() + ": max_program_bytes must be 1.."
                    + Topics.MAX_PROGRAM_BYTES + " (what one record carries), was " + node.asText());
        }
        return node.asInt();
    }

    /** Seconds one candidate may take on a target ("cpu" or "cuda"). */
    public double timeoutSeconds(String target) {
        return root.path("timeouts").path(target).asDouble(60);
    }

    /**
     * The smallest score a program can truly have on a target. A runtime: the physics floor's geometric mean times its
     * margin where the pack declares one ({@code physics_floor.<target>.geomean_us}), else 1 us (no kernel launch and
     * check is faster). Otherwise {@code score.min} (default 0). A reward claiming less is not believed.
     */
    public double minScore(String target) {
        if (scoreOrder() == ScoreOrder.HIGHER_IS_BETTER) {
            return root.path("score").path("min").asDouble(0.0);
        }
        JsonNode floor = root.path("physics_floor").path(target);
        double geomean = floor.path("geomean_us").asDouble(0);
        return geomean > 0 ? geomean * floor.path("margin").asDouble(1.0) : 1.0;
    }

    /**
     * The largest score a program can truly have on a target. A runtime: its whole evaluation must fit in the
     * timeout. Otherwise {@code score.max} (a proven bound; default none).
     */
    public double maxScore(String target) {
        if (scoreOrder() == ScoreOrder.HIGHER_IS_BETTER) {
            return root.path("score").path("max").asDouble(Double.POSITIVE_INFINITY);
        }
        return timeoutSeconds(target) * 1e6;
    }

    /** The harness worker: {@code harness}, else the shared one, {@code <problems>/_harness/worker.py}. */
    public Path harness() {
        return root.hasNonNull("harness") ? dir.resolve(root.path("harness").asText())
                : dir.resolveSibling("_harness").resolve("worker.py");
    }

    /** Options the worker starts with, after {@code --pack} and {@code --device} ({@code harness_options}). */
    public List<String> harnessOptions() {
        List<String> options = new ArrayList<>();
        root.path("harness_options").forEach(o -> options.add(o.asText()));
        return List.copyOf(options);
    }

    public Path file(String key) {
        String name = root.path(key).asText(null);
        if (name == null) {
            throw new IllegalArgumentException("pack " + id() + " names no " + key);
        }
        return dir.resolve(name);
    }

    public String promptTemplate() {
        return read(file("prompt"));
    }

    /**
     * The prompt for a start state: the pack's {@code prompt} template with {@code {{parent_section}}} filled
     * from {@code prompt_sections.with_parent} (or {@code without_parent} when the state has no program), then
     * {@code {{parent_code}}}, {@code {{parent_score}}} (alias {@code {{parent_runtime_us}}}), {@code {{target}}}
     * (alias {@code {{target_us}}}) and {@code {{gap}}}. The code is filled last, so placeholder-like text inside a
     * program stays as it is.
     */
    public String renderPrompt(String parentCode, Double parentScore) {
        boolean hasCode = parentCode != null && !parentCode.isBlank();
        JsonNode sections = root.path("prompt_sections");
        String section = hasCode
                ? sections.path("with_parent").asText(DEFAULT_WITH_PARENT)
                : sections.path("without_parent").asText(DEFAULT_WITHOUT_PARENT);
        String template = promptTemplate();
        if (!template.contains("{{parent_section}}")) {
            template = template.stripTrailing() + "\n\n{{parent_section}}\n";
        }
        String withSection = template.replace("{{parent_section}}", section.strip());
        String parent = parentScore == null ? "not measured" : number(parentScore);
        String target = number(target());
        String gap = scoreOrder() == ScoreOrder.LOWER_IS_BETTER ? gap(parentScore, target())
                : shortfall(parentScore, target());
        String filled = fill(withSection, Map.of("parent_runtime_us", parent, "parent_score", parent,
                "target_us", target, "target", target, "gap", gap));
        return filled.replace("{{parent_code}}", hasCode ? parentCode.strip() : "");
    }

    /** How far a runtime is from the target, in words the prompt uses. */
    public static String gap(Double runtimeUs, double targetUs) {
        if (runtimeUs == null || targetUs <= 0) {
            return "no measured runtime yet";
        }
        if (runtimeUs > targetUs) {
            return String.format(Locale.ROOT, "%.2fx slower than the target", runtimeUs / targetUs);
        }
        return String.format(Locale.ROOT, "already %.2fx faster than the target; make it faster still",
                targetUs / runtimeUs);
    }

    /** How far a higher-is-better score is from the target, in words the prompt uses. */
    public static String shortfall(Double score, double target) {
        if (score == null || target <= 0) {
            return "no measured score yet";
        }
        if (score < target) {
            return significant(target - score, 4) + " below the target";
        }
        return "at or above the target; push it higher still";
    }

    private static String number(double v) {
        if (v == Math.rint(v)) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%.1f", v) : significant(v, 6);
    }

    /** v to the given significant digits, without trailing zeros: 2.61897, 0.035. */
    private static String significant(double v, int digits) {
        return new BigDecimal(v).round(new MathContext(digits)).stripTrailingZeros().toPlainString();
    }

    /** The program a run starts from: the program space's baseline, rendered; null for a pack without one. */
    public String initialProgram() {
        return hasProgramSpace() ? programSpace().render(programSpace().baseline()) : null;
    }

    public boolean hasProgramSpace() {
        return root.hasNonNull("program_space");
    }

    /** The pack's program space, parsed once. */
    public synchronized ProgramSpace programSpace() {
        if (programSpace == null) {
            programSpace = parseProgramSpace(file("program_space"));
        }
        return programSpace;
    }

    /** Fills a prompt template's {@code {{name}}} placeholders. Unknown placeholders stay as they are. */
    public static String fill(String template, Map<String, String> values) {
        String out = template;
        for (Map.Entry<String, String> e : values.entrySet()) {
            out = out.replace("{{" + e.getKey() + "}}", e.getValue());
        }
        return out;
    }

    /** {@code active_when: {decision: [alternative, ...]}}: one earlier decision and the alternatives it must hold. */
    private static ActiveWhen activeWhen(JsonNode decision) {
        JsonNode when = decision.path("active_when");
        if (when.isMissingNode() || when.isNull()) {
            return null;
        }
        if (!when.isObject() || when.size() != 1) {
            throw new IllegalArgumentException("decision " + decision.path("name").asText()
                    + ": active_when must name exactly one earlier decision and its alternatives");
        }
        var field = when.fields().next();
        List<String> alternatives = new ArrayList<>();
        if (field.getValue().isArray()) {
            field.getValue().forEach(x -> alternatives.add(x.asText()));
        } else {
            alternatives.add(field.getValue().asText());
        }
        return new ActiveWhen(field.getKey(), alternatives);
    }

    private ProgramSpace parseProgramSpace(Path file) {
        try {
            JsonNode node = YAML.readTree(file.toFile());
            String template = read(file.getParent().resolve(node.path("template").asText()));
            List<Decision> decisions = new ArrayList<>();
            for (JsonNode d : node.path("decisions")) {
                List<Alternative> alternatives = new ArrayList<>();
                for (JsonNode a : d.path("alternatives")) {
                    List<String> devices = new ArrayList<>();
                    a.path("devices").forEach(x -> devices.add(x.asText()));
                    alternatives.add(new Alternative(a.path("name").asText(), List.copyOf(devices),
                            a.path("code").asText()));
                }
                decisions.add(new Decision(d.path("name").asText(), d.path("description").asText(""),
                        List.copyOf(alternatives), activeWhen(d)));
            }
            return new ProgramSpace(node.path("problem").asText(id()), template, decisions);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read program space " + file, e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
