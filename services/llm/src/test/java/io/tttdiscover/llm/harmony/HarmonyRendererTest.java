package io.tttdiscover.llm.harmony;

import io.tttdiscover.llm.testserver.Fixtures;
import io.tttdiscover.protocol.event.ParentState;
import io.tttdiscover.protocol.event.PromptEvent;
import io.tttdiscover.protocol.pack.ProblemPack;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HarmonyRendererTest {
    private final HarmonyTokenizer tok = new HarmonyTokenizer();
    private final HarmonyRenderer renderer = new HarmonyRenderer(tok);

    @Test
    void rendersSystemDeveloperUserThenOpensTheAssistantTurn() {
        List<Integer> ids = renderer.renderConversation("Write a kernel.");
        String text = tok.decode(ids);
        assertTrue(text.startsWith("<|start|>system<|message|>You are ChatGPT"), text);
        assertTrue(text.contains("\nReasoning: high\n"), text);
        assertTrue(text.contains("<|end|><|start|>developer<|message|># Instructions\n\n"
                + HarmonyRenderer.DEFAULT_INSTRUCTIONS + "<|end|>"), text);
        assertTrue(text.endsWith("<|start|>user<|message|>Write a kernel.<|end|><|start|>assistant"), text);
        assertEquals(HarmonyTokenizer.START, ids.get(0));
        assertEquals(HarmonyTokenizer.START, ids.get(ids.size() - 2));
        assertEquals(tok.encode("assistant"), ids.subList(ids.size() - 1, ids.size()));
        assertEquals(4, ids.stream().filter(i -> i == HarmonyTokenizer.START).count());
        assertEquals(3, ids.stream().filter(i -> i == HarmonyTokenizer.END).count());
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
