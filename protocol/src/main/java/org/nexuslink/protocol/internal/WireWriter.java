// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.protocol.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.msgpack.core.MessageBufferPacker;
import org.nexuslink.protocol.Bytes;
import org.nexuslink.protocol.MsgPackSettings;
import org.nexuslink.protocol.RawValue;

/**
 * Writes MsgPack values in canonical form: the shortest encoding of every integer, length and
 * header. msgpack-core already picks the shortest integer and header formats; strings are
 * written as header plus UTF-8 bytes so their header follows their real length.
 *
 * <p>Not thread-safe: one writer per frame.
 */
public final class WireWriter {

    /**
     * msgpack-core's default packer starts with an 8 KiB buffer, which every frame would allocate
     * and mostly leave empty; frames are usually a few hundred bytes,
     * and a larger one just takes more chunks.
     */
    private final MessageBufferPacker packer = MsgPackSettings.PACKER.newBufferPacker();

    /** Returns the encoding of the single value {@code write} writes. */
    public static byte[] single(Consumer<WireWriter> write) {
        WireWriter writer = new WireWriter();
        write.accept(writer);
        return writer.toByteArray();
    }

    /** Writes {@code value} read as an unsigned 64-bit integer. */
    public WireWriter uint(long value) {
        try {
            if (value >= 0) {
                packer.packLong(value);
            } else {
                packer.packBigInteger(new BigInteger(Long.toUnsignedString(value)));
            }
        } catch (IOException e) {
            throw memoryBufferFailed(e);
        }
        return this;
    }

    /** Writes a UTF-8 string. */
    public WireWriter str(String value) {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        try {
            packer.packRawStringHeader(utf8.length);
            packer.writePayload(utf8);
        } catch (IOException e) {
            throw memoryBufferFailed(e);
        }
        return this;
    }

    /** Writes a binary value. */
    public WireWriter bin(Bytes value) {
        byte[] bytes = value.toByteArray();
        try {
            packer.packBinaryHeader(bytes.length);
            packer.writePayload(bytes);
        } catch (IOException e) {
            throw memoryBufferFailed(e);
        }
        return this;
    }

    /** Writes a boolean. */
    public WireWriter bool(boolean value) {
        try {
            packer.packBoolean(value);
        } catch (IOException e) {
            throw memoryBufferFailed(e);
        }
        return this;
    }

    /** Writes an already encoded value verbatim. */
    public WireWriter raw(RawValue value) {
        try {
            packer.writePayload(value.encoded().toByteArray());
        } catch (IOException e) {
            throw memoryBufferFailed(e);
        }
        return this;
    }

    /** Writes the header of an array of {@code size} elements. */
    public WireWriter arrayHeader(int size) {
        try {
            packer.packArrayHeader(size);
        } catch (IOException e) {
            throw memoryBufferFailed(e);
        }
        return this;
    }

    /** Writes the header of a map of {@code size} entries. */
    public WireWriter mapHeader(int size) {
        try {
            packer.packMapHeader(size);
        } catch (IOException e) {
            throw memoryBufferFailed(e);
        }
        return this;
    }

    /** Returns everything written so far. */
    public byte[] toByteArray() {
        return packer.toByteArray();
    }

    // The packer writes to memory; an IOException here is a bug, not bad input.
    private static UncheckedIOException memoryBufferFailed(IOException e) {
        return new UncheckedIOException("in-memory MsgPack buffer failed", e);
    }
}
