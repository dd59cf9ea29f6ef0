package io.tttdiscover.trainer.algorithm;

import io.tttdiscover.protocol.pack.ProblemPack;

import java.util.List;

/**
 * A state of the PUCT archive: a program the policy may start from.
 *
 * @param value    R(s), higher is better (for kernels -runtime_us); null for an initial state never measured
 * @param parentId the state it was sampled from; null for an initial state
 * @param choices  the program-space choices that render {@code code}; null when an LLM wrote it
 */
public record ArchiveState(String id, String code, List<Integer> choices, Double value, String parentId,
                           boolean initial) {

    public static ArchiveState initial(String id, String code, List<Integer> choices) {
        return new ArchiveState(id, code, choices, null, null, true);
    }

    /** The state every run starts from: the pack's start program (its program space's baseline), or none. */
    public static ArchiveState initial(ProblemPack pack) {
        return initial("initial", pack.initialProgram(), pack.hasProgramSpace() ? pack.programSpace().baseline() : null);
    }

    public static ArchiveState child(String id, String code, List<Integer> choices, double value, String parentId) {
        return new ArchiveState(id, code, choices, value, parentId, false);
    }
}
