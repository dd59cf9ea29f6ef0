package io.tttdiscover.llm.harmony;

import io.tttdiscover.llm.testserver.Fixtures;
import io.tttdiscover.protocol.event.PromptEvent;
import io.tttdiscover.protocol.pack.ProblemPack;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HarmonyRendererTest {
    private final HarmonyTokenizer tok = new HarmonyTokenizer();
    private final HarmonyRenderer renderer = new HarmonyRenderer(tok);

    /**
     * Token for token what tinker-cookbook's GptOssRenderer (use_system_prompt, reasoning "high", a fixed date) builds
     * for one user message plus the generation prompt: its header and output strings, concatenated, with the special
     * tokens read as specials (tinker_cookbook/renderers/gpt_oss.py).
     */
    @Test
    void rendersExactlyThePaperRenderersTokens() {
        HarmonyRenderer paper = new HarmonyRenderer(tok, "high", LocalDate.of(2026, 1, 5));
        String prompt = "Write a kernel.\n\nHere is the last code we ran:\n```python\nx = 1\n```";
        String reference = "<|start|>system<|message|>You are ChatGPT, a large language model trained by OpenAI.\n"
                + "Knowledge cutoff: 2024-06\nCurrent date: 2026-01-05\n\nReasoning: high\n\n"
                + "# Valid channels: analysis, commentary, final. Channel must be included for every message.<|end|>"
                + "<|start|>user<|message|>" + prompt + "<|end|><|start|>assistant";
        List<Integer> ids = paper.renderConversation(prompt);
        assertEquals(reference, tok.decode(ids));
        assertEquals(withSpecials(reference), ids);
        assertEquals(3, ids.stream().filter(i -> i == HarmonyTokenizer.START).count(), "system, user, assistant");
        assertFalse(tok.decode(ids).contains("developer"), "no developer message");
    }

    @Test
    void theDateIsTodaysUnlessFixed() {
        assertTrue(renderer.systemMessage().contains("\nCurrent date: " + LocalDate.now() + "\n\n"),
                renderer.systemMessage());
    }

    /** The reference's tokenization: text between special tokens encoded as o200k BPE, specials as their ids. */
    private List<Integer> withSpecials(String text) {
        java.util.Map<String, Integer> specials = java.util.Map.of("<|start|>", HarmonyTokenizer.START,
                "<|message|>", HarmonyTokenizer.MESSAGE, "<|end|>", HarmonyTokenizer.END);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("<\\|(start|message|end)\\|>").matcher(text);
        List<Integer> out = new java.util.ArrayList<>();
        int at = 0;
        while (m.find()) {
            out.addAll(tok.encode(text.substring(at, m.start())));
            out.add(specials.get(m.group()));
            at = m.end();
        }
        out.addAll(tok.encode(text.substring(at)));
        return out;
    }

    @Test
    void fillsThePackTemplateWithParentTargetAndGap(@TempDir Path dir) {
        ProblemPack pack = Fixtures.pack(dir);
        String user = HarmonyRenderer.userPrompt(Fixtures.prompt("r", 1), pack);
        assertTrue(user.startsWith("Make the toy kernel fast. Target: 1000 us."), user);
        assertTrue(user.contains("Here is the last code we ran:\n\n```python\ndef custom_kernel(data):\n    return data\n```"), user);
        assertTrue(user.contains("Its runtime is 2400 us (2.40x slower than the target; target 1000 us)."), user);
        assertFalse(user.contains("{{"), user);
    }

    @Test
    void usesThePromptTheTrainerRenderedWhenTheEventCarriesOne(@TempDir Path dir) {
        ProblemPack pack = Fixtures.pack(dir);
        PromptEvent rendered = Fixtures.prompt("r", 1);
        PromptEvent withText = new PromptEvent(rendered.schemaVersion(), rendered.promptId(), rendered.runId(),
                rendered.step(), rendered.group(), rendered.problemId(), rendered.parent(), "Exactly this.",
                rendered.samplesWanted(), rendered.policyVersion(), rendered.target(), rendered.maskSemantics(),
                rendered.createdAtMs());
        assertEquals("Exactly this.", HarmonyRenderer.userPrompt(withText, pack));
    }

    @Test
    void rendersTheTrimulPackWhenItIsThere() {
        Path problems = Path.of("../../problems");
        if (!Files.isRegularFile(problems.resolve("trimul/prompt.md"))) {
            return;
        }
        ProblemPack pack = ProblemPack.load(problems, "trimul");
        String user = HarmonyRenderer.userPrompt(io.tttdiscover.llm.testserver.Fixtures.prompt("r", 1), pack);
        assertTrue(user.contains("def custom_kernel(data):"), user);
        assertTrue(user.contains("1000"), user);
        assertFalse(user.contains("{{parent_"), user);
        assertTrue(renderer.render(io.tttdiscover.llm.testserver.Fixtures.prompt("r", 1), pack).size() < 26_000);
    }
}
