package io.tttdiscover.trainer.algorithm;

import io.tttdiscover.protocol.event.EventCodec;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PuctArchiveTest {

    private static ArchiveState child(String id, double value, String parent) {
        return ArchiveState.child(id, "code " + id, null, value, parent);
    }

    private static List<String> ids(List<ArchiveState> states) {
        return states.stream().map(ArchiveState::id).toList();
    }

    /** I (initial) -> A (-100) -> C (-50); I -> B (-200); one failed rollout from B. */
    private static PuctArchive fourStates() {
        PuctArchive archive = new PuctArchive();
        archive.addInitial(ArchiveState.initial("I", "baseline", null));
        archive.recordRollout("I", child("A", -100, "I"));
        archive.recordRollout("I", child("B", -200, "I"));
        archive.recordRollout("A", child("C", -50, "A"));
        archive.recordRollout("B", null);
        return archive;
    }

    /** What the trainer stores with each step comes back, through JSON, as an archive that behaves the same. */
    @Test
    void aSnapshotRestoresAnArchiveThatSelectsAndUpdatesTheSame() throws Exception {
        PuctArchive original = fourStates();
        String json = EventCodec.encode(original.snapshot());
        PuctArchive restored = PuctArchive.restore(EventCodec.mapper().readValue(json, PuctArchive.Snapshot.class));
        assertEquals(original.scores(), restored.scores());
        assertEquals(ids(original.select(3)), ids(restored.select(3)));
        assertEquals(original.totalRollouts(), restored.totalRollouts());
        for (PuctArchive a : List.of(original, restored)) {
            a.recordRollout("C", child("D", -20, "C"));
            a.recordRollout("C", child("E", -20, "C")); // same code as nothing else: kept
            a.recordRollout("I", ArchiveState.child("F", "code A", null, -10, "I")); // A's code: deduplicated
            a.prune();
        }
        assertEquals(ids(original.states()), ids(restored.states()));
        assertEquals(original.scores(), restored.scores());
        assertEquals(ids(original.select(2)), ids(restored.select(2)));
    }

    @Test
    void visitCountsAndBestChildFollowEveryRollout() {
        PuctArchive a = fourStates();
        assertEquals(4, a.totalRollouts());
        assertEquals(4, a.visits("I"));
        assertEquals(1, a.visits("A"));
        assertEquals(1, a.visits("B"));
        assertEquals(0, a.visits("C"));
        assertEquals(-100.0, a.bestChildValue("I").orElseThrow());
        assertEquals(-50.0, a.bestChildValue("A").orElseThrow());
        assertTrue(a.bestChildValue("B").isEmpty());
    }

    @Test
    void scoresMatchHandComputedPuct() {
        PuctArchive a = fourStates();
        // R: A -100, B -200, C -50, I = min = -200; scale = -50 - (-200) = 150; T = 4 -> sqrt(5)
        // ranks: C 0, A 1, I 2 (ties with B, inserted first), B 3; P = (4 - rank) / 10
        assertEquals(-200.0, a.value(a.get("I").orElseThrow()));
        assertEquals(150.0, a.scale());
        Map<String, Double> p = a.priors();
        assertEquals(0.4, p.get("C"), 1e-12);
        assertEquals(0.3, p.get("A"), 1e-12);
        assertEquals(0.2, p.get("I"), 1e-12);
        assertEquals(0.1, p.get("B"), 1e-12);
        double s5 = Math.sqrt(5);
        Map<String, Double> scores = a.scores();
        assertEquals(-50 + 150 * 0.4 * s5 / 1, scores.get("C"), 1e-9);      // n = 0: Q = R
        assertEquals(-50 + 150 * 0.3 * s5 / 2, scores.get("A"), 1e-9);      // Q = m(A) = -50
        assertEquals(-100 + 150 * 0.2 * s5 / 5, scores.get("I"), 1e-9);     // Q = m(I) = -100
        assertEquals(-200 + 150 * 0.1 * s5 / 2, scores.get("B"), 1e-9);     // only failures: Q = R
        assertEquals(84.1640786499874, scores.get("C"), 1e-9);
    }

    @Test
    void pickingAStateBlocksItsAncestorsButNotItsSiblings() {
        PuctArchive a = fourStates();
        // order by score: C, A, I, B. C blocks A and I; B (a sibling of A) is free.
        assertEquals(List.of("C", "B"), ids(a.select(2)));
        // nothing else is free: picks are reused in order
        assertEquals(List.of("C", "B", "C"), ids(a.select(3)));
    }

    @Test
    void pickingAStateBlocksItsDescendants() {
        PuctArchive a = new PuctArchive();
        a.addInitial(ArchiveState.initial("I", "baseline", null));
        a.recordRollout("I", child("A", -100, "I"));
        a.recordRollout("A", child("B", -300, "A"));
        // I: Q = m(I) = -100 beats A (Q = m(A) = -300) and B (-300); picking I blocks both
        assertEquals(Set.of("A", "B"), a.descendants("I"));
        assertEquals(List.of("A", "I"), a.ancestors("B"));
        assertEquals(List.of("I", "I"), ids(a.select(2)));
    }

    @Test
    void initialStateValueIsTheArchiveMinimumOrZero() {
        PuctArchive a = new PuctArchive();
        a.addInitial(ArchiveState.initial("I", "baseline", null));
        assertEquals(0.0, a.value(a.get("I").orElseThrow()));
        assertEquals(PuctArchive.MIN_SCALE, a.scale());
        a.recordRollout("I", child("A", -40, "I"));
        a.recordRollout("I", child("B", -70, "I"));
        assertEquals(-70.0, a.value(a.get("I").orElseThrow()));
    }

    @Test
    void childrenAreDeduplicatedByCode() {
        PuctArchive a = new PuctArchive();
        a.addInitial(ArchiveState.initial("I", "baseline", null));
        assertTrue(a.recordRollout("I", ArchiveState.child("A", "same", null, -10, "I")).isPresent());
        assertFalse(a.recordRollout("I", ArchiveState.child("B", "same", null, -5, "I")).isPresent());
        assertFalse(a.recordRollout("I", ArchiveState.child("C", "baseline", null, -5, "I")).isPresent());
        assertEquals(2, a.size());
        assertEquals(3, a.visits("I"));
        assertEquals(-5.0, a.bestChildValue("I").orElseThrow());
    }

    @Test
    void pruningKeepsTheTwoBestChildrenPerParent() {
        PuctArchive a = new PuctArchive();
        a.addInitial(ArchiveState.initial("I", "baseline", null));
        a.recordRollout("I", child("c1", -4, "I"));
        a.recordRollout("I", child("c2", -1, "I"));
        a.recordRollout("I", child("c3", -3, "I"));
        a.recordRollout("I", child("c4", -2, "I"));
        a.recordRollout("c2", child("g1", -7, "c2"));
        a.prune();
        assertEquals(List.of("I", "c2", "c4", "g1"), ids(a.states()));
    }

    @Test
    void pruningCapsTheArchiveByValueAndKeepsInitialStates() {
        PuctArchive a = new PuctArchive(3);
        a.addInitial(ArchiveState.initial("I", "baseline", null));
        a.addInitial(ArchiveState.initial("J", "other baseline", null));
        a.recordRollout("I", child("a", -5, "I"));
        a.recordRollout("J", child("b", -1, "J"));
        a.recordRollout("a", child("c", -3, "a"));
        a.prune();
        // room for 3 - 2 initial = 1 non-initial state: the best, b
        assertEquals(List.of("I", "J", "b"), ids(a.states()));
        // a pruned parent ends the ancestor chain of its orphans gracefully
        assertTrue(a.ancestors("b").contains("J"));
    }
}
