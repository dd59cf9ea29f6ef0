package io.tttdiscover.protocol.event;

import java.util.List;

/**
 * The start state a prompt builds on: an archived program (or none, for an initial state).
 *
 * @param choices the program-space choices that rendered {@code code}, when it came from the embedded policy
 * @param runtimeUs its measured score, null for an initial state that was never run
 */
public record ParentState(String stateId, String code, List<Integer> choices, Double runtimeUs) {
}
