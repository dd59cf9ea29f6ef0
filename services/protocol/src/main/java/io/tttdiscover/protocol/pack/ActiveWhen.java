package io.tttdiscover.protocol.pack;

import java.util.List;

/**
 * When a decision matters: only while an earlier decision holds one of the named alternatives (a Triton kernel's
 * block size matters only while that kernel is the one chosen). Otherwise the decision's slot is dead code: the
 * embedded policy does not edit it and greedy search does not sweep it.
 *
 * @param decision     the earlier decision it depends on
 * @param alternatives that decision's alternatives under which this one is active
 */
public record ActiveWhen(String decision, List<String> alternatives) {

    public ActiveWhen {
        if (decision == null || decision.isBlank()) {
            throw new IllegalArgumentException("active_when names no decision");
        }
        if (alternatives == null || alternatives.isEmpty()) {
            throw new IllegalArgumentException("active_when on " + decision + " names no alternative");
        }
        alternatives = List.copyOf(alternatives);
    }
}
