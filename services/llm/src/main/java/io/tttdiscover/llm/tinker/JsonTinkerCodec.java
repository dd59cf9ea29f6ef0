package io.tttdiscover.llm.tinker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** The JSON wire format every Tinker-compatible server speaks. */
public final class JsonTinkerCodec implements TinkerCodec {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String contentType() {
        return "application/json";
    }

    @Override
    public String accept() {
        return "application/json";
    }

    @Override
    public byte[] encode(String operation, ObjectNode request) {
        return request.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public JsonNode decode(String operation, byte[] body) {
        if (body.length == 0) {
            return JSON.createObjectNode();
        }
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return JSON.createObjectNode().put("error", new String(body, StandardCharsets.UTF_8))
                    .put("category", "unknown");
        }
    }
}
