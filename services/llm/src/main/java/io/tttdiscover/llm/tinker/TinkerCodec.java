package io.tttdiscover.llm.tinker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * How request and result bodies travel. Requests are built as JSON trees named by operation; a binary codec (the
 * protobuf bodies newer SDKs may send for forward_backward and sampling) maps those trees to its own messages.
 */
public interface TinkerCodec {

    String contentType();

    /** The Accept header: a server answers JSON unless this asks for something else. */
    String accept();

    byte[] encode(String operation, ObjectNode request);

    JsonNode decode(String operation, byte[] body);
}
