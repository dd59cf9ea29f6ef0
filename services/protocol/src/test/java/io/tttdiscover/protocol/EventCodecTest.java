package io.tttdiscover.protocol;

import io.tttdiscover.protocol.event.BenchmarkStat;
import io.tttdiscover.protocol.event.CandidateEvent;
import io.tttdiscover.protocol.event.CheckpointEvent;
import io.tttdiscover.protocol.event.EvaluationTimings;
import io.tttdiscover.protocol.event.EvaluatorInfo;
import io.tttdiscover.protocol.event.Event;
import io.tttdiscover.protocol.event.EventCodec;
import io.tttdiscover.protocol.event.MalformedEventException;
import io.tttdiscover.protocol.event.MaskSemantics;
import io.tttdiscover.protocol.event.ParentState;
import io.tttdiscover.protocol.event.PolicyParameters;
import io.tttdiscover.protocol.event.PromptEvent;
import io.tttdiscover.protocol.event.RewardEvent;
import io.tttdiscover.protocol.event.RewardStatus;
import io.tttdiscover.protocol.event.TestSummary;
import io.tttdiscover.protocol.event.TokenTrace;
import io.tttdiscover.protocol.pack.ProblemPack;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventCodecTest {

    static CandidateEvent candidate() {
        return new CandidateEvent(Event.CURRENT_SCHEMA, "p1-0", "p1", "run-1", 2, 0, 0, "trimul", "s0", 3,
                "embedded", "def custom_kernel(data): ...",
                new TokenTrace(List.of(-1, -1), List.of(1, 0), List.of(-0.5, -1.2), null), "cpu",
                MaskSemantics.OFFICIAL_ALL_ONES, 1000L);
    }

    @Test
    void anOverLimitProgramTravelsAsItsSizeAndHashAndOlderEventsHaveNeither() {
        CandidateEvent full = candidate();
        assertFalse(full.programWithheld());
        assertEquals(28, full.programSize());
        String json = EventCodec.encode(full);
        assertFalse(json.contains("programBytes") || json.contains("programSha256"),
                "nothing new on the wire: " + json);

        CandidateEvent withheld = EventCodec.candidate(EventCodec.encode(full.withoutProgram()));
        assertTrue(withheld.programWithheld());
        assertEquals("", withheld.program());
        assertEquals(28, withheld.programBytes());
        assertEquals(28, withheld.programSize());
        assertEquals(CandidateEvent.sha256(full.program().getBytes(StandardCharsets.UTF_8)),
                withheld.programSha256());
        assertEquals(64, withheld.programSha256().length());
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                CandidateEvent.sha256(new byte[0]));
        assertEquals(withheld, withheld.withoutProgram());

        CheckpointEvent named = new CheckpointEvent(1, "run-1", 0, 0, "embedded", null,
                new PolicyParameters(List.of(List.of(0.0)), List.of(1.0)), null, 5L, "trimul");
        assertEquals(named, EventCodec.checkpoint(EventCodec.encode(named)));
        String older = EventCodec.encode(new CheckpointEvent(1, "run-1", 0, 0, "embedded", null,
                new PolicyParameters(List.of(List.of(0.0)), List.of(1.0)), null, 5L));
        assertFalse(older.contains("problemId"));
        assertNull(EventCodec.checkpoint(older).problemId());
    }

    @Test
    void everyEventSurvivesARoundTrip() {
        PromptEvent prompt = new PromptEvent(1, "p1", "run-1", 2, 0, "trimul",
                new ParentState("s0", "code", List.of(0, 1), 123.0), "prompt", 8, 3, "cpu", MaskSemantics.AS_SPECIFIED,
                1L);
        assertEquals(prompt, EventCodec.prompt(EventCodec.encode(prompt)));
        PromptEvent told = new PromptEvent(1, "p2", "run-1", 3, 1, "trimul",
                new ParentState("s1", "code", List.of(0, 1), 99.0), null, 8, 4, "cuda", MaskSemantics.AS_SPECIFIED,
                2L, List.of(List.of(0, 1), List.of(1, 1)));
        assertEquals(told, EventCodec.prompt(EventCodec.encode(told)));
        assertEquals(List.of(List.of(0, 1), List.of(1, 1)), EventCodec.prompt(EventCodec.encode(told)).evaluated());
        assertNull(prompt.evaluated(), "a prompt from before the field reads as none");
        assertEquals(4096, PromptEvent.maxEvaluated(16), "TriMul's space: 4,096 programs");
        List<List<Integer>> most = java.util.Collections.nCopies(PromptEvent.maxEvaluated(100),
                java.util.Collections.nCopies(100, 99));
        int bytes = EventCodec.encode(new PromptEvent(1, "p3", "run-1", 3, 1, "trimul", null, null, 8, 4, "cuda",
                MaskSemantics.AS_SPECIFIED, 2L, most)).length();
        assertTrue(bytes < 512 * 1024, "a space of 100 decisions with two-digit choices: " + bytes + " bytes");

        CandidateEvent candidate = candidate();
        assertEquals(candidate, EventCodec.candidate(EventCodec.encode(candidate)));

        RewardEvent reward = new RewardEvent(1, "run-1", 2, 0, 0, "trimul", RewardStatus.OK, "", 12.5, 120.0,
                List.of(new BenchmarkStat("n32", 120, 1.5, 10, 118)), new TestSummary(5, 5), List.of(),
                new EvaluatorInfo("1", "host", "w0", "cpu", null, null, "1.13", null, "3.11", "as-specified",
                        "net,mount,pid,read-only,uid 61000,no-new-privs"),
                new EvaluationTimings(1000, 1010, 1020, 2020, 1, 200, 700), candidate);
        RewardEvent decoded = EventCodec.reward(EventCodec.encode(reward));
        assertEquals(reward, decoded);
        assertEquals("p1-0", decoded.idempotencyKey());
        assertEquals(20, decoded.timings().queueMs());

        CheckpointEvent checkpoint = new CheckpointEvent(1, "run-1", 2, 3, "embedded", null,
                new PolicyParameters(List.of(List.of(0.0, 1.0)), List.of(1.0)), null, 5L);
        assertEquals(checkpoint, EventCodec.checkpoint(EventCodec.encode(checkpoint)));
        assertEquals("run-1@3", checkpoint.idempotencyKey());
    }

    @Test
    void aRunFinishedMarkerHasItsOwnKeyAndIsNoPolicy() {
        CheckpointEvent marker = CheckpointEvent.runFinished("run-a", 3, "STOPPED", "trimul");
        String json = EventCodec.encode(marker);
        assertTrue(json.contains("\"finished\":\"STOPPED\""), json);
        CheckpointEvent back = EventCodec.checkpoint(json);
        assertTrue(back.marksRunFinished());
        assertEquals("run-a#finished", back.key());
        assertEquals("run-a#finished", back.idempotencyKey());
        assertNull(back.embeddedPolicy());

        CheckpointEvent policy = new CheckpointEvent(Event.CURRENT_SCHEMA, "run-a", 0, 0, "tinker", "tinker://w", null,
                null, 1L, "trimul");
        assertFalse(EventCodec.encode(policy).contains("finished"), "a policy version's wire form is unchanged");
        assertEquals("run-a", EventCodec.checkpoint(EventCodec.encode(policy)).key());
        assertThrows(MalformedEventException.class, () -> EventCodec.checkpoint(
                "{\"schemaVersion\":1,\"runId\":\"run-a\",\"step\":0,\"policyVersion\":0,"
                        + "\"weightsUri\":\"tinker://w\",\"createdAtMs\":1,\"finished\":\"STOPPED\"}"),
                "a marker carrying a policy is neither");
    }

    @Test
    void maskSemanticsTravelsByItsWireName() {
        String json = EventCodec.encode(candidate());
        assertTrue(json.contains("\"maskSemantics\":\"official-all-ones\""), json);
        assertEquals(MaskSemantics.OFFICIAL_ALL_ONES, EventCodec.candidate(json).maskSemantics());
    }

    @Test
    void eventsFromBeforeMaskSemanticsDecodeWithNull() {
        String candidate = EventCodec.encode(candidate()).replace(",\"maskSemantics\":\"official-all-ones\"", "");
        assertFalse(candidate.contains("maskSemantics"), candidate);
        CandidateEvent decoded = EventCodec.candidate(candidate);
        assertNull(decoded.maskSemantics());
        assertEquals("p1-0", decoded.candidateId());

        String prompt = "{\"schemaVersion\":1,\"promptId\":\"p1\",\"runId\":\"run-1\",\"step\":0,\"group\":0,"
                + "\"problemId\":\"trimul\",\"samplesWanted\":2,\"policyVersion\":0,\"target\":\"cpu\","
                + "\"createdAtMs\":1}";
        assertNull(EventCodec.prompt(prompt).maskSemantics());
    }

    @Test
    void anUnknownMaskSemanticsIsMalformedAndNamesTheKnownOnes() {
        String json = EventCodec.encode(candidate()).replace("official-all-ones", "all-zeros");
        MalformedEventException e = assertThrows(MalformedEventException.class, () -> EventCodec.candidate(json));
        assertTrue(e.getMessage().contains("as-specified, official-all-ones"), e.getMessage());
        assertTrue(e.getMessage().contains("all-zeros"), e.getMessage());
    }

    @Test
    void unknownFieldsFromNewerProducersAreIgnored() {
        String json = EventCodec.encode(candidate()).replaceFirst("\\{", "{\"addedLater\":42,");
        assertEquals(candidate(), EventCodec.candidate(json));
    }

    @Test
    void malformedRecordsFailWithAReason() {
        MalformedEventException notJson = assertThrows(MalformedEventException.class,
                () -> EventCodec.candidate("{not json"));
        assertTrue(notJson.getMessage().startsWith("not a valid CandidateEvent"), notJson.getMessage());

        assertThrows(MalformedEventException.class, () -> EventCodec.candidate(""));

        String future = EventCodec.encode(candidate()).replace("\"schemaVersion\":1", "\"schemaVersion\":9");
        MalformedEventException version = assertThrows(MalformedEventException.class,
                () -> EventCodec.candidate(future));
        assertTrue(version.getMessage().contains("schema version 9"), version.getMessage());

        String noRun = EventCodec.encode(candidate()).replace("\"runId\":\"run-1\"", "\"runId\":null");
        MalformedEventException run = assertThrows(MalformedEventException.class, () -> EventCodec.candidate(noRun));
        assertEquals("missing required field runId", run.getMessage());

        CheckpointEvent empty = new CheckpointEvent(1, "run-1", 0, 0, "embedded", null, null, null, 0);
        assertThrows(MalformedEventException.class, () -> EventCodec.checkpoint(EventCodec.encode(empty)));
    }

    @Test
    void traceLengthsMustAgree() {
        assertThrows(IllegalArgumentException.class,
                () -> new TokenTrace(List.of(), List.of(1, 2), List.of(-0.1), null));
    }

    @Test
    void bytesThatAreNotUtf8AreMalformedNotReplaced() {
        byte[] json = EventCodec.encode(candidate()).getBytes(StandardCharsets.UTF_8);
        assertEquals(candidate(), EventCodec.candidate(json));
        int at = new String(json, StandardCharsets.UTF_8).indexOf("def custom_kernel");
        json[at] = (byte) 0xC3;
        json[at + 1] = (byte) 0x28;
        MalformedEventException e = assertThrows(MalformedEventException.class, () -> EventCodec.candidate(json));
        assertTrue(e.getMessage().startsWith("not a valid CandidateEvent: Invalid UTF-8"), e.getMessage());
        assertThrows(MalformedEventException.class, () -> EventCodec.prompt(new byte[0]));
        assertThrows(MalformedEventException.class,
                () -> EventCodec.checkpoint("null".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void recordLimitsAgreeAndLeaveRoomForDeadLetterHeaders() {
        for (Topics.Layout t : Topics.LAYOUT) {
            int expected = t.name().endsWith(Topics.DEAD_LETTER_SUFFIX) ? Topics.MAX_DEAD_LETTER_BYTES
                    : Topics.MAX_RECORD_BYTES;
            assertEquals(Integer.toString(expected), t.configs().get("max.message.bytes"), t.name());
            assertEquals(t.compacted(), "compact".equals(t.configs().get("cleanup.policy")), t.name());
        }
        assertTrue(Topics.MAX_DEAD_LETTER_BYTES > Topics.MAX_RECORD_BYTES);
        assertTrue(16L * Topics.MAX_PROGRAM_BYTES <= Topics.MAX_RECORD_BYTES);
        assertTrue(ProblemPack.DEFAULT_MAX_PROGRAM_BYTES <= Topics.MAX_PROGRAM_BYTES);
    }

    @Test
    void deadLetterTopicsFollowTheirSource() {
        assertEquals("rewards.dlq", Topics.deadLetter(Topics.REWARDS));
        assertEquals("candidate-kernels.dlq", Topics.deadLetter(Topics.CANDIDATES));
    }
}
