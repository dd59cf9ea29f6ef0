package io.tttdiscover.llm.testserver;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Map;

/** One request a test server received: path, headers (lower-case names) and JSON body. */
public record Recorded(String path, Map<String, String> headers, JsonNode body) {
    public String header(String name) {
        return headers.get(name.toLowerCase(java.util.Locale.ROOT));
    }
}
