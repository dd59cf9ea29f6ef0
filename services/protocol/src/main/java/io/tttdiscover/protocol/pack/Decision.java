package io.tttdiscover.protocol.pack;

import java.util.List;

/** A decision point of a program space: a template slot and its alternatives. Alternative 0 is the baseline. */
public record Decision(String name, String description, List<Alternative> alternatives) {

    public int size() {
        return alternatives.size();
    }
}
