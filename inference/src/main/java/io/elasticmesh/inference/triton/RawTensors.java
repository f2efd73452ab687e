package io.elasticmesh.inference.triton;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Triton's raw tensor encoding (binary tensor data extension): little-endian, row-major, no padding. A BYTES
 * element is a 4-byte little-endian length followed by that many bytes. Triton always answers in this form, so the
 * mesh must both write and read it.
 */
public final class RawTensors {

    private RawTensors() {}

    public static ByteString encodeStrings(List<String> elements) {
        List<byte[]> encoded =
                elements.stream().map(s -> s.getBytes(StandardCharsets.UTF_8)).toList();
        int size = encoded.stream().mapToInt(b -> Integer.BYTES + b.length).sum();
        ByteBuffer buffer = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        encoded.forEach(b -> buffer.putInt(b.length).put(b));
        return ByteString.copyFrom(buffer.flip());
    }

    public static ByteString encodeString(String element) {
        return encodeStrings(List.of(element));
    }

    public static ByteString encodeBool(boolean value) {
        return ByteString.copyFrom(new byte[] {(byte) (value ? 1 : 0)});
    }

    public static ByteString encodeInt32(int value) {
        return ByteString.copyFrom(ByteBuffer.allocate(Integer.BYTES)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putInt(value)
                .flip());
    }

    public static ByteString encodeUint64(long value) {
        return ByteString.copyFrom(ByteBuffer.allocate(Long.BYTES)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putLong(value)
                .flip());
    }

    public static ByteString encodeFp32(float value) {
        return ByteString.copyFrom(ByteBuffer.allocate(Float.BYTES)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putFloat(value)
                .flip());
    }

    /** Decodes a BYTES tensor as UTF-8 strings; fails on a truncated element. */
    public static List<String> decodeStrings(ByteString raw) {
        ByteBuffer buffer = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        List<String> elements = new ArrayList<>();
        while (buffer.hasRemaining()) {
            if (buffer.remaining() < Integer.BYTES) {
                throw new IllegalArgumentException("BYTES tensor ends inside a length prefix");
            }
            long length = Integer.toUnsignedLong(buffer.getInt());
            if (length > buffer.remaining()) {
                throw new IllegalArgumentException(
                        "BYTES element of " + length + " bytes but only " + buffer.remaining() + " remain");
            }
            byte[] element = new byte[(int) length];
            buffer.get(element);
            elements.add(new String(element, StandardCharsets.UTF_8));
        }
        return elements;
    }

    /** Decodes a UINT32 tensor. */
    public static long[] decodeUint32(ByteString raw) {
        return decode32(raw, "UINT32", true);
    }

    /** Decodes an INT32 tensor. */
    public static long[] decodeInt32(ByteString raw) {
        return decode32(raw, "INT32", false);
    }

    private static long[] decode32(ByteString raw, String datatype, boolean unsigned) {
        if (raw.size() % Integer.BYTES != 0) {
            throw new IllegalArgumentException(datatype + " tensor of " + raw.size() + " bytes is not a multiple of 4");
        }
        ByteBuffer buffer = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        long[] values = new long[raw.size() / Integer.BYTES];
        for (int i = 0; i < values.length; i++) {
            int v = buffer.getInt();
            values[i] = unsigned ? Integer.toUnsignedLong(v) : v;
        }
        return values;
    }
}
