package io.tttdiscover.protocol.pack;

import java.util.List;

/**
 * A decision point of a program space: a template slot and its alternatives. Alternative 0 is the baseline.
 *
 * @param activeWhen when the decision matters at all; null: always
 */
public record Decision(String name, String description, List<Alternative> alternatives, ActiveWhen activeWhen) {

    public Decision(String name, String description, List<Alternative> alternatives) {
        this(name, description, alternatives, null);
    }

    public int size() {
        return alternatives.size();
    }

    /** The index of the alternative called {@code name}, or -1. */
    public int indexOf(String alternative) {
        for (int a = 0; a < alternatives.size(); a++) {
            if (alternatives.get(a).name().equals(alternative)) {
                return a;
            }
        }
        return -1;
    }
}
