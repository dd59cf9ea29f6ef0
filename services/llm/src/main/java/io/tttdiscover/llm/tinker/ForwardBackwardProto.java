package io.tttdiscover.llm.tinker;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Iterator;
import java.util.Map;

/**
 * The forward_backward request as SDK 0.25 sends it: {@code tinker_public.ForwardBackwardRequest} from the SDK's
 * published schema ({@code tinker/proto/tinker_public_pb2.py}), written from the JSON request tree the session builds.
 * Token ids travel as little-endian int32 bytes, tensors as dense little-endian bytes with a dtype enum and a shape.
 *
 * <pre>
 * ForwardBackwardRequest { string model_id = 1; int32 seq_id = 2; repeated Datum data = 3; string loss_fn = 4;
 *                          map&lt;string, double&gt; loss_fn_config = 5; bool forward_only = 6; }
 * Datum  { repeated Chunk model_input = 1; map&lt;string, Tensor&gt; loss_fn_inputs = 2; }
 * Chunk  { oneof { EncodedTextChunk encoded_text = 1; ImageChunk image = 2; DmelChunk dmel = 3; } }
 * EncodedTextChunk { bytes tokens = 1; }
 * Tensor { oneof encoding { bytes dense = 1; SparseCsr sparse_csr = 2; } DType dtype = 3; repeated int64 shape = 4; }
 * DType  { UNSPECIFIED = 0; FLOAT32 = 1; INT64 = 2; INT32 = 3; BFLOAT16 = 4; }
 * </pre>
 */
final class ForwardBackwardProto {
    static final String CONTENT_TYPE = "application/x-protobuf";
    static final int DTYPE_FLOAT32 = 1;
    static final int DTYPE_INT64 = 2;

    private ForwardBackwardProto() {
    }

    static byte[] encode(JsonNode request) {
        JsonNode input = request.path("forward_backward_input");
        ProtoWriter msg = new ProtoWriter()
                .string(1, request.path("model_id").asText())
                .int32(2, request.path("seq_id").asLong());
        for (JsonNode datum : input.path("data")) {
            msg.message(3, datum(datum));
        }
        msg.string(4, input.path("loss_fn").asText());
        for (Iterator<Map.Entry<String, JsonNode>> it = input.path("loss_fn_config").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            msg.message(5, new ProtoWriter().bytesAlways(1, utf8(e.getKey())).fixedDouble(2, e.getValue().asDouble()));
        }
        return msg.toByteArray();
    }

    private static ProtoWriter datum(JsonNode datum) {
        ProtoWriter out = new ProtoWriter();
        for (JsonNode chunk : datum.path("model_input").path("chunks")) {
            if (!"encoded_text".equals(chunk.path("type").asText("encoded_text"))) {
                throw new IllegalArgumentException("only encoded_text chunks are sent: " + chunk.path("type"));
            }
            int[] tokens = new int[chunk.path("tokens").size()];
            for (int i = 0; i < tokens.length; i++) {
                tokens[i] = chunk.path("tokens").get(i).asInt();
            }
            out.message(1, new ProtoWriter().message(1, new ProtoWriter().bytes(1, ProtoWriter.int32LittleEndian(tokens))));
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = datum.path("loss_fn_inputs").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            out.message(2, new ProtoWriter().bytesAlways(1, utf8(e.getKey())).message(2, tensor(e.getValue())));
        }
        return out;
    }

    private static ProtoWriter tensor(JsonNode tensor) {
        JsonNode data = tensor.path("data");
        String dtype = tensor.path("dtype").asText();
        byte[] dense;
        int code;
        switch (dtype) {
            case "int64" -> {
                long[] v = new long[data.size()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = data.get(i).asLong();
                }
                dense = ProtoWriter.int64LittleEndian(v);
                code = DTYPE_INT64;
            }
            case "float32" -> {
                float[] v = new float[data.size()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) data.get(i).asDouble();
                }
                dense = ProtoWriter.float32LittleEndian(v);
                code = DTYPE_FLOAT32;
            }
            default -> throw new IllegalArgumentException("the public wire has float32 and int64 tensors, not " + dtype);
        }
        long[] shape = new long[tensor.path("shape").size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = tensor.path("shape").get(i).asLong();
        }
        return new ProtoWriter().bytesAlways(1, dense).int32(3, code).packedInt64(4, shape);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
