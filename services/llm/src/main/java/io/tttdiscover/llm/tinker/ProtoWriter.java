package io.tttdiscover.llm.tinker;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The protobuf wire encoding, as much of it as the Tinker schema needs: varints, length-delimited fields, fixed64
 * doubles. Proto3 rules: scalar fields at their default value are left out, a message field is written when set.
 */
final class ProtoWriter {
    private static final int VARINT = 0;
    private static final int FIXED64 = 1;
    private static final int LENGTH_DELIMITED = 2;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    ProtoWriter string(int field, String value) {
        if (value != null && !value.isEmpty()) {
            bytesAlways(field, value.getBytes(StandardCharsets.UTF_8));
        }
        return this;
    }

    /** int32 and enum fields: negative values take ten bytes (sign-extended), as protobuf specifies. */
    ProtoWriter int32(int field, long value) {
        if (value != 0) {
            tag(field, VARINT);
            varint(value);
        }
        return this;
    }

    ProtoWriter fixedDouble(int field, double value) {
        if (value != 0 || 1 / value < 0) {
            tag(field, FIXED64);
            long bits = Double.doubleToRawLongBits(value);
            for (int i = 0; i < 8; i++) {
                out.write((int) (bits >>> (8 * i)) & 0xff);
            }
        }
        return this;
    }

    /** A bytes field outside a oneof: left out when empty. */
    ProtoWriter bytes(int field, byte[] value) {
        if (value.length > 0) {
            bytesAlways(field, value);
        }
        return this;
    }

    /** A bytes field that is a oneof member, or a string map key: written even when empty. */
    ProtoWriter bytesAlways(int field, byte[] value) {
        tag(field, LENGTH_DELIMITED);
        varint(value.length);
        out.writeBytes(value);
        return this;
    }

    ProtoWriter message(int field, ProtoWriter message) {
        return bytesAlways(field, message.toByteArray());
    }

    /** A repeated int64 field, packed (the proto3 default). */
    ProtoWriter packedInt64(int field, long... values) {
        if (values.length > 0) {
            ProtoWriter packed = new ProtoWriter();
            for (long v : values) {
                packed.varint(v);
            }
            bytesAlways(field, packed.toByteArray());
        }
        return this;
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }

    private void tag(int field, int wireType) {
        varint(((long) field << 3) | wireType);
    }

    private void varint(long value) {
        long v = value;
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    /** numpy's {@code tobytes()} of an int32 array on a little-endian machine. */
    static byte[] int32LittleEndian(int[] values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            b.putInt(v);
        }
        return b.array();
    }

    static byte[] int64LittleEndian(long[] values) {
        ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            b.putLong(v);
        }
        return b.array();
    }

    static byte[] float32LittleEndian(float[] values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }
}
