package io.tttdiscover.llm.harmony;

import io.tttdiscover.llm.testserver.Fixtures;
import io.tttdiscover.protocol.event.ParentState;
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
        assertTrue(user.contains("Its runtime is 2400 us; the target is 1000 us, so it is 2.40x slower than the target."), user);
        assertFalse(user.contains("{{"), user);
    }

    @Test
    void toleratesTemplatesWithoutParentPlaceholdersAndStatesWithoutCode() {
        String noSection = HarmonyRenderer.kernelPrompt("Speed it up to {{target_us}} us ({{gap}}).",
                new ParentState("s", "x = 1", null, 500.0), 1000);
        assertTrue(noSection.startsWith("Speed it up to 1000 us (already at the target (2.00x faster)"), noSection);
        assertTrue(noSection.endsWith("```python\nx = 1\n```\n\nIts runtime is 500 us; the target is 1000 us, so it is "
                + "already at the target (2.00x faster); make it faster still."), noSection);
        String fresh = HarmonyRenderer.kernelPrompt("{{parent_section}}\nRuntime: {{parent_runtime_us}}",
                new ParentState("s", null, null, null), 1000);
        assertEquals("There is no previous code yet: write the first version.\nRuntime: not measured", fresh);
        String code = HarmonyRenderer.kernelPrompt("{{parent_code}} / {{target_us}}",
                new ParentState("s", "s = '{{target_us}}'", null, 1.5), 1000);
        assertEquals("s = '{{target_us}}' / 1000", code);
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
