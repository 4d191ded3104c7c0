// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.protocol.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessagePackException;
import org.msgpack.core.MessageStringCodingException;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.core.buffer.ArrayBufferInput;
import org.msgpack.value.ValueType;
import org.nexuslink.protocol.Bytes;
import org.nexuslink.protocol.ErrorCode;
import org.nexuslink.protocol.MsgPackSettings;
import org.nexuslink.protocol.ProtocolException;
import org.nexuslink.protocol.RawValue;

/**
 * Reads typed values, in order, from a span of a frame that {@link FrameValidator} accepted.
 *
 * <p>Each read checks the MsgPack type and range first and names the field in any error; no
 * msgpack-core exception leaves this class. Not thread-safe: one reader per span and thread.
 */
final class WireReader {

    /** The largest unsigned 64-bit value, as an unsigned long. */
    static final long UINT64_MAX = -1L;

    private final byte[] frame;
    private final int offset;
    private final int length;
    /** The path of the value this one is inside, or null if {@link #name} is the whole path. */
    private final String parent;
    /** The field name under {@link #parent} ({@code parent.name}), or null for {@link #number}. */
    private final String name;
    /** The map key ({@code parent.7}) or, if {@link #indexed}, the array index ({@code parent[3]}). */
    private final long number;

    private final boolean indexed;
    /** Built on first use: most readers never need it (it names a field in an error message). */
    private String path;
    /** The unpacker this reader shares with every reader of the same frame. */
    private final Cursor cursor;
    /** Bytes of the span already read, as of the last time another reader took the cursor. */
    private int consumed;

    /**
     * One msgpack-core unpacker per frame, moved to whichever reader reads next: a map's fields
     * are read through readers of their own, and an unpacker for each would cost more than the
     * reading (msgpack-core allocates several objects per unpacker).
     */
    private static final class Cursor {
        final ArrayBufferInput input = new ArrayBufferInput(new byte[0]);
        final MessageUnpacker unpacker = MsgPackSettings.UNPACKER.newUnpacker(input);
        /** The reader the unpacker is positioned for, and where in the frame it started reading. */
        WireReader owner;

        int start;
    }

    WireReader(byte[] frame, int offset, int length, String path) {
        this(new Cursor(), frame, offset, length, null, path, 0, false);
        this.path = path;
    }

    private WireReader(
            Cursor cursor,
            byte[] frame,
            int offset,
            int length,
            String parent,
            String name,
            long number,
            boolean indexed) {
        this.cursor = cursor;
        this.frame = frame;
        this.offset = offset;
        this.length = length;
        this.parent = parent;
        this.name = name;
        this.number = number;
        this.indexed = indexed;
    }

    /** Returns the path of the value this reader was opened on. */
    String path() {
        if (path == null) {
            path = name != null
                    ? parent + "." + name
                    : indexed ? parent + "[" + number + "]" : parent + "." + Long.toUnsignedString(number);
        }
        return path;
    }

    /** Returns a fresh reader over the same span, the field {@code fieldName} of {@code newParent}. */
    WireReader withPath(String newParent, String fieldName) {
        return new WireReader(cursor, frame, offset, length, newParent, fieldName, 0, false);
    }

    /** Returns a reader over the value that starts here, item {@code index} of {@code parentPath}, and moves past it. */
    WireReader next(String parentPath, int index) {
        return next(parentPath, index, true);
    }

    /** Returns a reader over the value that starts here, the value of map key {@code key} in {@code parentPath}. */
    WireReader nextValueOf(String parentPath, long key) {
        return next(parentPath, key, false);
    }

    private WireReader next(String parentPath, long number, boolean isIndex) {
        int start = position();
        try {
            skip(null);
        } catch (ProtocolException e) {
            // Unreachable for a frame FrameValidator accepted; if it happens, name the value, not its map.
            String at = new WireReader(cursor, frame, start, 0, parentPath, null, number, isIndex).path();
            ProtocolException named = new ProtocolException(e.code(), at, e.detail());
            named.initCause(e);
            throw named;
        }
        return new WireReader(cursor, frame, start, position() - start, parentPath, null, number, isIndex);
    }

    /** The frame's unpacker, positioned where this reader left off. */
    private MessageUnpacker unpacker() {
        Cursor c = cursor;
        if (c.owner != this) {
            if (c.owner != null) {
                c.owner.consumed = c.start + (int) c.unpacker.getTotalReadBytes() - c.owner.offset;
            }
            c.input.reset(frame, offset + consumed, length - consumed);
            try {
                c.unpacker.reset(c.input);
            } catch (IOException e) {
                throw new UncheckedIOException(e); // an ArrayBufferInput does no I/O
            }
            c.owner = this;
            c.start = offset + consumed;
        }
        return c.unpacker;
    }

    /** Reads an unsigned integer no greater than {@code max} (both unsigned). */
    long uint(String at, long max) {
        MessageFormat format = expect(at, ValueType.INTEGER, "unsigned integer");
        long value;
        try {
            if (format == MessageFormat.UINT64) {
                value = unpacker().unpackBigInteger().longValue();
            } else {
                value = unpacker().unpackLong();
                if (value < 0) {
                    throw invalid(where(at), "expected unsigned integer, got " + value);
                }
            }
        } catch (MessagePackException | IOException e) {
            throw unreadable(where(at), e);
        }
        if (Long.compareUnsigned(value, max) > 0) {
            throw invalid(
                    where(at),
                    "value " + Long.toUnsignedString(value) + " exceeds the maximum " + Long.toUnsignedString(max));
        }
        return value;
    }

    long uint(long max) {
        return uint(null, max);
    }

    /** Reads a binary value of {@code minLength} to {@code maxLength} bytes. */
    Bytes bin(String at, int minLength, int maxLength) {
        expect(at, ValueType.BINARY, "binary");
        try {
            int length = unpacker().unpackBinaryHeader();
            if (length < minLength || length > maxLength) {
                throw invalid(where(at), "expected " + minLength + " to " + maxLength + " bytes, got " + length);
            }
            int start = position();
            unpacker().readPayloadAsReference(length);
            return Bytes.of(frame, start, length);
        } catch (MessagePackException | IOException e) {
            throw unreadable(where(at), e);
        }
    }

    Bytes bin(int minLength, int maxLength) {
        return bin(null, minLength, maxLength);
    }

    /** Reads a string that must be valid UTF-8. */
    String str(String at) {
        expect(at, ValueType.STRING, "string");
        try {
            return unpacker().unpackString();
        } catch (MessageStringCodingException e) {
            throw invalid(where(at), "string is not valid UTF-8");
        } catch (MessagePackException | IOException e) {
            throw unreadable(where(at), e);
        }
    }

    String str() {
        return str(null);
    }

    /** Reads a boolean. */
    boolean bool(String at) {
        expect(at, ValueType.BOOLEAN, "boolean");
        try {
            return unpacker().unpackBoolean();
        } catch (MessagePackException | IOException e) {
            throw unreadable(where(at), e);
        }
    }

    boolean bool() {
        return bool(null);
    }

    /** Reads an array header and returns the number of elements. */
    int arrayHeader(String at) {
        expect(at, ValueType.ARRAY, "array");
        try {
            return unpacker().unpackArrayHeader();
        } catch (MessagePackException | IOException e) {
            throw unreadable(where(at), e);
        }
    }

    int arrayHeader() {
        return arrayHeader(null);
    }

    /** Reads a map header and returns the number of entries. */
    int mapHeader(String at) {
        expect(at, ValueType.MAP, "map");
        try {
            return unpacker().unpackMapHeader();
        } catch (MessagePackException | IOException e) {
            throw unreadable(where(at), e);
        }
    }

    /** Returns the next value as its encoded bytes, and moves past it. */
    RawValue raw(String at) {
        int start = position();
        skip(at);
        return new RawValue(Bytes.of(frame, start, position() - start));
    }

    /** Whether the next value is an integer (of any sign and size). */
    boolean nextIsInteger(String at) {
        return nextFormat(at).getValueType() == ValueType.INTEGER;
    }

    /** Returns the MsgPack type name of the next value, as used in error messages. */
    String nextTypeName(String at) {
        return typeName(nextFormat(at));
    }

    /** Returns an {@code invalid_field} error about {@code at}. */
    static ProtocolException invalid(String at, String detail) {
        return new ProtocolException(ErrorCode.INVALID_FIELD, at, detail);
    }

    private MessageFormat expect(String at, ValueType type, String expected) {
        MessageFormat format = nextFormat(at);
        if (format.getValueType() != type) {
            throw invalid(where(at), "expected " + expected + ", got " + typeName(format));
        }
        return format;
    }

    private MessageFormat nextFormat(String at) {
        try {
            MessageFormat format = unpacker().getNextFormat();
            if (format == MessageFormat.NEVER_USED) {
                throw new ProtocolException(ErrorCode.MALFORMED_FRAME, where(at), "reserved byte 0xc1");
            }
            return format;
        } catch (MessagePackException | IOException e) {
            throw unreadable(where(at), e);
        }
    }

    private void skip(String at) {
        nextFormat(at);
        try {
            unpacker().skipValue();
        } catch (MessagePackException | IOException e) {
            throw unreadable(where(at), e);
        }
    }

    /** The path an error names: {@code at} if the caller gave one, else this reader's own. */
    private String where(String at) {
        return at != null ? at : path();
    }

    private int position() {
        return cursor.owner == this ? cursor.start + (int) cursor.unpacker.getTotalReadBytes() : offset + consumed;
    }

    private static String typeName(MessageFormat format) {
        return format.getValueType().name().toLowerCase(Locale.ROOT);
    }

    private static ProtocolException unreadable(String at, Exception cause) {
        ProtocolException e = new ProtocolException(
                ErrorCode.MALFORMED_FRAME,
                at,
                "unreadable value (" + cause.getClass().getSimpleName() + ")");
        e.initCause(cause);
        return e;
    }
}
