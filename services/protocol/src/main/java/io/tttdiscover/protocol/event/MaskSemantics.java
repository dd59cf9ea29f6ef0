package io.tttdiscover.protocol.event;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * How a problem's harness applies its input mask, chosen per run: the pack's {@code mask_semantics} is the default, a
 * run may ask for the other. The wire names (REST, events, the worker protocol, pack.yml) are the ones below.
 */
public enum MaskSemantics {
    /** The random {0,1} mask is applied as the problem's spec says. */
    AS_SPECIFIED("as-specified"),
    /** Reproduces a flaw of GPU MODE's official TriMul harness: the mask is always all ones. */
    OFFICIAL_ALL_ONES("official-all-ones");

    private final String wire;

    MaskSemantics(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    /** @throws IllegalArgumentException naming the accepted values, for an unknown name */
    @JsonCreator
    public static MaskSemantics parse(String wire) {
        return Arrays.stream(values()).filter(m -> m.wire.equals(wire)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("maskSemantics must be one of " + names()
                        + ", was '" + wire + "'"));
    }

    private static String names() {
        return Arrays.stream(values()).map(MaskSemantics::wire).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return wire;
    }
}
