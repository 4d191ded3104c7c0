// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.p2p.internal.wire;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import org.nexuslink.p2p.MalformedDataException;

/**
 * The multiformats unsigned varint (unsigned LEB128): seven bits per byte, least significant
 * group first, high bit set on every byte but the last.
 *
 * <p>Per the multiformats spec, decoders accept at most 9 bytes (63 bits) and only the minimal
 * encoding, so one number has exactly one encoding. Stateless and thread-safe.
 */
public final class Varint {
    /** The longest encoding the spec allows. */
    public static final int MAX_BYTES = 9;

    private Varint() {}

    /** Encodes {@code value}, which must be non-negative. */
    public static byte[] encode(long value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(MAX_BYTES);
        write(value, out);
        return out.toByteArray();
    }

    /** Appends the encoding of {@code value} (non-negative) to {@code out}. */
    public static void write(long value, ByteArrayOutputStream out) {
        if (value < 0) {
            throw new IllegalArgumentException("varint value must be non-negative: " + value);
        }
        long v = value;
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    /** The number of bytes {@link #encode} writes for {@code value}. */
    public static int length(long value) {
        int n = 1;
        long v = value >>> 7;
        while (v != 0) {
            n++;
            v >>>= 7;
        }
        return n;
    }

    /** A decoded value and the number of bytes it took. */
    public record Decoded(long value, int length) {}

    /**
     * Decodes the varint that starts at {@code offset}.
     *
     * @throws MalformedDataException if it is truncated, longer than 9 bytes or not minimal
     */
    public static Decoded decode(byte[] bytes, int offset) {
        long value = 0;
        for (int i = 0; i < MAX_BYTES; i++) {
            if (offset + i >= bytes.length) {
                throw new MalformedDataException("truncated varint at offset " + offset);
            }
            int b = bytes[offset + i] & 0xFF;
            value |= (long) (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                if (b == 0 && i > 0) {
                    throw new MalformedDataException("varint not minimally encoded at offset " + offset);
                }
                return new Decoded(value, i + 1);
            }
        }
        throw new MalformedDataException("varint longer than " + MAX_BYTES + " bytes at offset " + offset);
    }

    /**
     * Reads one varint from a stream.
     *
     * @throws EOFException if the stream ends before the first byte
     * @throws MalformedDataException if it ends inside the varint, or the varint is malformed
     */
    public static long read(InputStream in) throws IOException {
        long value = 0;
        for (int i = 0; i < MAX_BYTES; i++) {
            int b = in.read();
            if (b < 0) {
                if (i == 0) {
                    throw new EOFException("stream ended");
                }
                throw new MalformedDataException("stream ended inside a varint");
            }
            value |= (long) (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                if (b == 0 && i > 0) {
                    throw new MalformedDataException("varint not minimally encoded");
                }
                return value;
            }
        }
        throw new MalformedDataException("varint longer than " + MAX_BYTES + " bytes");
    }
}
