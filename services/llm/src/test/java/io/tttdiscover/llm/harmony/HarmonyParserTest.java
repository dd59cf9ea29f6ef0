package io.tttdiscover.llm.harmony;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HarmonyParserTest {
    private final HarmonyTokenizer tok = new HarmonyTokenizer();
    private final HarmonyParser parser = new HarmonyParser(tok);

    private HarmonyTokenizer.Builder b() {
        return new HarmonyTokenizer.Builder(tok);
    }

    private HarmonyTokenizer.Builder message(HarmonyTokenizer.Builder b, String channel, String text) {
        return b.special(HarmonyTokenizer.CHANNEL).text(channel).special(HarmonyTokenizer.MESSAGE).text(text);
    }

    @Test
    void takesTheLastPythonBlockOfTheFinalMessage() {
        HarmonyTokenizer.Builder b = b();
        message(b, "analysis", "```python\nthinking_code()\n```").special(HarmonyTokenizer.END)
                .special(HarmonyTokenizer.START).text("assistant");
        message(b, "final", "First:\n```python\nv1()\n```\nBetter:\n```python\nv2()\n```\nDone.")
                .special(HarmonyTokenizer.RETURN);
        List<Integer> completion = b.build();
        List<HarmonyMessage> messages = parser.messages(completion);
        assertEquals(2, messages.size());
        assertEquals("analysis", messages.get(0).channel());
        assertEquals(new HarmonyMessage("final",
                "First:\n```python\nv1()\n```\nBetter:\n```python\nv2()\n```\nDone.", true), messages.get(1));
        assertEquals("v2()\n", parser.program(completion));
    }

    @Test
    void noFinalMessageOrNoBlockGivesEmptyProgram() {
        List<Integer> thinkingOnly = message(b(), "analysis", "```python\nx()\n```").build();
        assertEquals("", parser.program(thinkingOnly));
        assertEquals("", parser.finalAnswer(thinkingOnly));
        List<Integer> prose = message(b(), "final", "I cannot do that.").special(HarmonyTokenizer.RETURN).build();
        assertEquals("I cannot do that.", parser.finalAnswer(prose));
        assertEquals("", parser.program(prose));
        List<Integer> cutInsideBlock = message(b(), "final", "```python\nunfinished(").build();
        assertEquals("", parser.program(cutInsideBlock));
        assertFalse(parser.messages(cutInsideBlock).get(0).terminated());
    }

    @Test
    void channelHeadersWithRecipientsAndConstraintsStillName() {
        List<Integer> c = b().special(HarmonyTokenizer.CHANNEL).text("final")
                .special(HarmonyTokenizer.CONSTRAIN).text("json").special(HarmonyTokenizer.MESSAGE)
                .text("```py\nok()\n```").special(HarmonyTokenizer.RETURN).build();
        assertEquals("ok()\n", parser.program(c));
        List<Integer> commentary = b().special(HarmonyTokenizer.CHANNEL).text("commentary to=functions.run")
                .special(HarmonyTokenizer.MESSAGE).text("{}").special(HarmonyTokenizer.CALL).build();
        assertEquals("commentary", parser.messages(commentary).get(0).channel());
    }

    @Test
    void knowsWhenTheCompletionIsInsideTheFinalChannel() {
        assertFalse(parser.inFinalChannel(message(b(), "analysis", "hmm").build()));
        assertTrue(parser.inFinalChannel(message(b(), "final", "here").build()));
        HarmonyTokenizer.Builder two = message(b(), "analysis", "done").special(HarmonyTokenizer.END)
                .special(HarmonyTokenizer.START).text("assistant");
        assertFalse(parser.inFinalChannel(two.build()));
        assertTrue(parser.inFinalChannel(message(two, "final", "```python\n").build()));
        assertFalse(parser.inFinalChannel(message(b(), "final", "x").special(HarmonyTokenizer.RETURN).build()));
        assertFalse(parser.inFinalChannel(List.of()));
    }
}
