package io.tttdiscover.llm.testserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads SDK 0.25's protobuf {@code tinker_public.ForwardBackwardRequest} back into the JSON request shape, as a
 * server that parses the published schema would; an unknown field number or wire type is an error.
 */
public final class ProtoReader {
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Field(int number, int wireType, long varint, byte[] bytes) {
    }

    private ProtoReader() {
    }

    public static ObjectNode forwardBackwardRequest(byte[] raw) {
        ObjectNode request = JSON.createObjectNode();
        ObjectNode input = JSON.createObjectNode();
        ArrayNode data = input.putArray("data");
        for (Field f : fields(raw)) {
            switch (f.number) {
                case 1 -> request.put("model_id", utf8(f));
                case 2 -> request.put("seq_id", (int) f.varint);
                case 3 -> data.add(datum(f.bytes));
                case 4 -> input.put("loss_fn", utf8(f));
                case 5 -> {
                    List<Field> entry = fields(f.bytes);
                    input.with("loss_fn_config").put(utf8(entry.get(0)),
                            Double.longBitsToDouble(entry.get(1).varint));
                }
                case 6 -> request.put("forward_only", f.varint != 0);
                default -> throw new IllegalArgumentException("ForwardBackwardRequest has no field " + f.number);
            }
        }
        request.set("forward_backward_input", input);
        return request;
    }

    private static ObjectNode datum(byte[] raw) {
        ObjectNode datum = JSON.createObjectNode();
        ArrayNode chunks = datum.putObject("model_input").putArray("chunks");
        ObjectNode inputs = datum.putObject("loss_fn_inputs");
        for (Field f : fields(raw)) {
            if (f.number == 1) {
                Field oneof = fields(f.bytes).get(0);
                if (oneof.number != 1) {
                    throw new IllegalArgumentException("only encoded_text chunks expected, got field " + oneof.number);
                }
                ObjectNode chunk = chunks.addObject();
                chunk.put("type", "encoded_text");
                ArrayNode tokens = chunk.putArray("tokens");
                List<Field> text = fields(oneof.bytes);
                ByteBuffer b = ByteBuffer.wrap(text.isEmpty() ? new byte[0] : text.get(0).bytes)
                        .order(ByteOrder.LITTLE_ENDIAN);
                while (b.remaining() >= 4) {
                    tokens.add(b.getInt());
                }
            } else if (f.number == 2) {
                List<Field> entry = fields(f.bytes);
                inputs.set(utf8(entry.get(0)), tensor(entry.get(1).bytes));
            } else {
                throw new IllegalArgumentException("Datum has no field " + f.number);
            }
        }
        return datum;
    }

    private static JsonNode tensor(byte[] raw) {
        ObjectNode tensor = JSON.createObjectNode();
        byte[] dense = null;
        int dtype = 0;
        ArrayNode shape = JSON.createArrayNode();
        for (Field f : fields(raw)) {
            switch (f.number) {
                case 1 -> dense = f.bytes;
                case 3 -> dtype = (int) f.varint;
                case 4 -> {
                    int[] at = {0};
                    while (at[0] < f.bytes.length) {
                        shape.add(varint(f.bytes, at));
                    }
                }
                default -> throw new IllegalArgumentException("Tensor field " + f.number + " not expected");
            }
        }
        if (dense == null) {
            throw new IllegalArgumentException("a tensor without dense data");
        }
        ArrayNode data = tensor.putArray("data");
        ByteBuffer b = ByteBuffer.wrap(dense).order(ByteOrder.LITTLE_ENDIAN);
        switch (dtype) {
            case 1 -> {
                tensor.put("dtype", "float32");
                while (b.remaining() >= 4) {
                    data.add(b.getFloat());
                }
            }
            case 2 -> {
                tensor.put("dtype", "int64");
                while (b.remaining() >= 8) {
                    data.add(b.getLong());
                }
            }
            default -> throw new IllegalArgumentException("dtype " + dtype + " not on the public wire");
        }
        tensor.set("shape", shape);
        return tensor;
    }

    private static List<Field> fields(byte[] raw) {
        List<Field> out = new ArrayList<>();
        int[] at = {0};
        while (at[0] < raw.length) {
            long key = varint(raw, at);
            int number = (int) (key >>> 3);
            int wire = (int) (key & 7);
            switch (wire) {
                case 0 -> out.add(new Field(number, wire, varint(raw, at), null));
                case 1 -> {
                    long bits = ByteBuffer.wrap(raw, at[0], 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
                    at[0] += 8;
                    out.add(new Field(number, wire, bits, null));
                }
                case 2 -> {
                    int len = (int) varint(raw, at);
                    byte[] bytes = new byte[len];
                    System.arraycopy(raw, at[0], bytes, 0, len);
                    at[0] += len;
                    out.add(new Field(number, wire, 0, bytes));
                }
                default -> throw new IllegalArgumentException("wire type " + wire + " not used by the schema");
            }
        }
        return out;
    }

    private static long varint(byte[] raw, int[] at) {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte b = raw[at[0]++];
            result |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return result;
            }
        }
        throw new IllegalArgumentException("varint too long");
    }

    private static String utf8(Field f) {
        return new String(f.bytes, StandardCharsets.UTF_8);
    }
}
