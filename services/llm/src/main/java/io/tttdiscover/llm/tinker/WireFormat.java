package io.tttdiscover.llm.tinker;

import java.util.Locale;

/**
 * How forward_backward travels, and the SDK version a client speaking it advertises. SDK 0.24 sent it as JSON; SDK
 * 0.25 sends it as protobuf only (every other request stays JSON in both).
 */
public enum WireFormat {
    /** Ask the server's client config; protobuf unless it says it wants JSON. */
    AUTO(null),
    PROTOBUF("0.25.0"),
    JSON("0.24.0");

    private final String sdkVersion;

    WireFormat(String sdkVersion) {
        this.sdkVersion = sdkVersion;
    }

    /** The SDK version whose wire format this is (sent in create_session and client/config). */
    public String sdkVersion() {
        return sdkVersion == null ? PROTOBUF.sdkVersion : sdkVersion;
    }

    public WireFormat other() {
        return this == JSON ? PROTOBUF : JSON;
    }

    public static WireFormat parse(String value) {
        return valueOf(value.trim().toUpperCase(Locale.ROOT));
    }
}
