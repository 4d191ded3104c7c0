// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.protocol.internal;

import java.io.IOException;
import org.msgpack.core.ExtensionTypeHeader;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessageInsufficientBufferException;
import org.msgpack.core.MessagePackException;
import org.msgpack.core.MessageSizeException;
import org.msgpack.core.MessageUnpacker;
import org.nexuslink.protocol.CodecLimits;
import org.nexuslink.protocol.ErrorCode;
import org.nexuslink.protocol.MsgPackSettings;
import org.nexuslink.protocol.ProtocolException;

/**
 * Checks that bytes are exactly one well-formed MsgPack value within the limits, before anything
 * reads them as NexusLink fields.
 *
 * <p>Every declared length and count is compared with the bytes that remain before it is used,
 * so a five-byte header claiming four billion elements costs nothing. Once a frame passes,
 * typed reads of it cannot run off its end.
 */
public final class FrameValidator {

    /** Nesting bound for standalone raw values, which the enclosing frame bounds again. */
    private static final int RAW_VALUE_MAX_DEPTH = 64;

    private final MessageUnpacker unpacker;
    private final int length;
    private final int maxEntries;
    private final int maxStringBytes;
    private final int maxDepth;
    private long valueStart;

    private FrameValidator(byte[] bytes, int maxEntries, int maxStringBytes, int maxDepth) {
        this.unpacker = MsgPackSettings.UNPACKER.newUnpacker(bytes);
        this.length = bytes.length;
        this.maxEntries = maxEntries;
        this.maxStringBytes = maxStringBytes;
        this.maxDepth = maxDepth;
    }

    /**
     * Checks a whole frame against {@code limits}.
     *
     * @throws ProtocolException {@code frame_too_large}, {@code limit_exceeded} or
     *     {@code malformed_frame}
     */
    public static void validate(byte[] frame, CodecLimits limits) {
        if (frame.length > limits.maxFrameBytes()) {
            throw new ProtocolException(
                    ErrorCode.FRAME_TOO_LARGE,
                    "frame of " + frame.length + " bytes exceeds the limit of " + limits.maxFrameBytes());
        }
        new FrameValidator(frame, limits.maxEntries(), limits.maxStringBytes(), limits.maxDepth()).run();
    }

    /**
     * Checks that {@code bytes} hold exactly one well-formed MsgPack value, of any size.
     *
     * @throws IllegalArgumentException if they do not
     */
    public static void requireSingleValue(byte[] bytes) {
        try {
            new FrameValidator(bytes, Integer.MAX_VALUE, Integer.MAX_VALUE, RAW_VALUE_MAX_DEPTH).run();
        } catch (ProtocolException e) {
            throw new IllegalArgumentException("not exactly one MsgPack value: " + e.getMessage(), e);
        }
    }

    private void run() {
        try {
            if (!unpacker.hasNext()) {
                throw malformed("empty frame");
            }
            value(1);
            if (unpacker.hasNext()) {
                throw malformed((length - position()) + " trailing bytes after the value");
            }
        } catch (MessageInsufficientBufferException e) {
            throw malformed("truncated at offset " + length);
        } catch (MessageSizeException e) {
            throw malformed("truncated: value at offset " + valueStart + " declares a length of 2^31 or more");
        } catch (MessagePackException | IOException e) {
            throw malformed("unreadable value at offset " + valueStart + " ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    private void value(int depth) throws IOException {
        if (!unpacker.hasNext()) {
            throw malformed("truncated at offset " + length);
        }
        valueStart = position();
        MessageFormat format = unpacker.getNextFormat();
        switch (format) {
            case NEVER_USED -> throw malformed("reserved byte 0xc1 at offset " + position());
            case FIXSTR, STR8, STR16, STR32 -> {
                int size = unpacker.unpackRawStringHeader();
                if (size > maxStringBytes) {
                    throw limit("string of " + size + " bytes exceeds the limit of " + maxStringBytes);
                }
                skipPayload(size, "string");
            }
            case BIN8, BIN16, BIN32 -> skipPayload(unpacker.unpackBinaryHeader(), "binary");
            case FIXEXT1, FIXEXT2, FIXEXT4, FIXEXT8, FIXEXT16, EXT8, EXT16, EXT32 -> {
                ExtensionTypeHeader header = unpacker.unpackExtensionTypeHeader();
                skipPayload(header.getLength(), "extension");
            }
            case FIXARRAY, ARRAY16, ARRAY32 -> {
                int size = unpacker.unpackArrayHeader();
                checkContainer(size, size, depth, "array");
                for (int i = 0; i < size; i++) {
                    value(depth + 1);
                }
            }
            case FIXMAP, MAP16, MAP32 -> {
                int size = unpacker.unpackMapHeader();
                checkContainer(size, 2L * size, depth, "map");
                for (int i = 0; i < size; i++) {
                    value(depth + 1);
                    value(depth + 1);
                }
            }
            case POSFIXINT,
                    NEGFIXINT,
                    UINT8,
                    UINT16,
                    UINT32,
                    UINT64,
                    INT8,
                    INT16,
                    INT32,
                    INT64,
                    NIL,
                    BOOLEAN,
                    FLOAT32,
                    FLOAT64 -> unpacker.skipValue();
        }
    }

    private void checkContainer(int size, long minBytes, int depth, String what) {
        if (depth > maxDepth) {
            throw limit(what + " nested " + depth + " deep exceeds the limit of " + maxDepth);
        }
        if (size > maxEntries) {
            throw limit(what + " of " + size + " entries exceeds the limit of " + maxEntries);
        }
        if (minBytes > remaining()) {
            throw malformed("truncated: " + what + " of " + size + " entries at offset " + position() + " but only "
                    + remaining() + " bytes remain");
        }
    }

    private void skipPayload(int size, String what) throws IOException {
        if (size > remaining()) {
            throw malformed("truncated: " + what + " of " + size + " bytes at offset " + position() + " but only "
                    + remaining() + " bytes remain");
        }
        unpacker.readPayloadAsReference(size);
    }

    private long position() {
        return unpacker.getTotalReadBytes();
    }

    private long remaining() {
        return length - position();
    }

    private static ProtocolException malformed(String detail) {
        return new ProtocolException(ErrorCode.MALFORMED_FRAME, detail);
    }

    private static ProtocolException limit(String detail) {
        return new ProtocolException(ErrorCode.LIMIT_EXCEEDED, detail);
    }
}
