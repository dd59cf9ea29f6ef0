package io.tttdiscover.llm.tinker;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tttdiscover.llm.testserver.ProtoReader;
import io.tttdiscover.protocol.spi.Datum;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Golden bytes for SDK 0.25's {@code tinker_public.ForwardBackwardRequest}, assembled by hand from the published
 * schema's field numbers and wire types (tinker/proto/tinker_public_pb2.py), not from our encoder.
 */
class ForwardBackwardProtoTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ObjectNode request() {
        // prompt [5, 7], completion [300]: model_input [5, 7], target [7, 300], logprobs [0, -0.5], advantages [0, 2]
        Datum d = new Datum(List.of(5, 7), List.of(300), List.of(-0.5), List.of(2.0));
        ObjectNode body = JSON.createObjectNode();
        ObjectNode input = body.putObject("forward_backward_input");
        input.putArray("data").add(TinkerTrainingSession.wire(TokenLevelData.of(d)));
        input.put("loss_fn", "importance_sampling");
        body.put("model_id", "m:train:0");
        body.put("seq_id", 3);
        return body;
    }

    @Test
    void encodesTheSchemasFieldNumbersAndLittleEndianTensors() {
        String modelId = "0a" + "09" + hex("m:train:0");                 // 1: model_id, 9 bytes
        String seqId = "10" + "03";                                      // 2: seq_id varint 3
        // Datum.model_input (1) = Chunk { encoded_text (1) = EncodedTextChunk { tokens (1) = int32 LE [5, 7] } }
        String chunk = "0a" + "0c" + "0a" + "0a" + "0a" + "08" + "05000000" + "07000000";
        // Tensor { dense (1), dtype (3), shape (4, packed int64) }
        String target = entry("target_tokens", "0a10" + "0700000000000000" + "2c01000000000000" + "1802" + "220102");
        String logprobs = entry("logprobs", "0a08" + "00000000" + "000000bf" + "1801" + "220102");
        String advantages = entry("advantages", "0a08" + "00000000" + "00000040" + "1801" + "220102");
        String datumBody = chunk + target + logprobs + advantages;
        String datum = "1a" + len(datumBody) + datumBody;                // 3: data
        String lossFn = "22" + "13" + hex("importance_sampling");         // 4: loss_fn
        String golden = modelId + seqId + datum + lossFn;

        assertEquals(golden, HexFormat.of().formatHex(ForwardBackwardProto.encode(request())));
    }

    @Test
    void aServerReadingTheSchemaGetsTheJsonRequestBack() {
        ObjectNode json = request();
        ObjectNode decoded = ProtoReader.forwardBackwardRequest(ForwardBackwardProto.encode(json));
        assertEquals(json.path("model_id"), decoded.path("model_id"));
        assertEquals(json.path("seq_id"), decoded.path("seq_id"));
        assertEquals(json.path("forward_backward_input").path("loss_fn"),
                decoded.path("forward_backward_input").path("loss_fn"));
        var sent = json.path("forward_backward_input").path("data").get(0);
        var got = decoded.path("forward_backward_input").path("data").get(0);
        assertEquals(sent.path("model_input"), got.path("model_input"));
        for (String field : List.of("target_tokens", "logprobs", "advantages")) {
            assertEquals(sent.path("loss_fn_inputs").path(field).path("dtype"),
                    got.path("loss_fn_inputs").path(field).path("dtype"));
            assertEquals(sent.path("loss_fn_inputs").path(field).path("shape").toString(),
                    got.path("loss_fn_inputs").path(field).path("shape").toString());
            for (int i = 0; i < 2; i++) {
                assertEquals(sent.path("loss_fn_inputs").path(field).path("data").get(i).asDouble(),
                        got.path("loss_fn_inputs").path(field).path("data").get(i).asDouble(), 0.0);
            }
        }
    }

    /** A {@code map<string, Tensor>} entry as the Datum's field 2: key (1), value (2). */
    private static String entry(String key, String tensor) {
        String body = "0a" + len(hex(key)) + hex(key) + "12" + len(tensor) + tensor;
        return "12" + len(body) + body;
    }

    private static String hex(String s) {
        return HexFormat.of().formatHex(s.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    /** A one-byte length (every message here is shorter than 128 bytes). */
    private static String len(String hex) {
        return String.format("%02x", hex.length() / 2);
    }
}
