// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.p2p.internal.wire;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.nexuslink.p2p.MalformedDataException;

/**
 * Iterates over the fields of one protobuf message. Varint (0), 64-bit (1), length-delimited
 * (2) and 32-bit (5) wire types are read; unknown fields can be skipped by ignoring them;
 * groups (3, 4) and anything truncated raise {@link MalformedDataException}. Not thread-safe.
 */
public final class ProtobufReader {
    private final byte[] bytes;
    private int position;
    private int field;
    private int fieldStart;
    private int wireType;
    private long varintValue;
    private byte[] bytesValue;

    public ProtobufReader(byte[] bytes) {
        this.bytes = bytes;
    }

    /** Moves to the next field; false at the end of the message. */
    public boolean next() {
        if (position >= bytes.length) {
            return false;
        }
        fieldStart = position;
        Varint.Decoded key = Varint.decode(bytes, position);
        position += key.length();
        long fieldNumber = key.value() >>> 3;
        if (fieldNumber == 0 || fieldNumber > 536_870_911L) {
            throw new MalformedDataException("protobuf field number out of range: " + fieldNumber);
        }
        field = (int) fieldNumber;
        wireType = (int) (key.value() & 7);
        bytesValue = null;
        switch (wireType) {
            case 0 -> {
                Varint.Decoded v = decodeVarint();
                varintValue = v.value();
            }
            case 1 -> skip(8);
            case 2 -> {
                Varint.Decoded len = decodeVarint();
                if (len.value() < 0 || len.value() > bytes.length - position) {
                    throw new MalformedDataException("protobuf field " + field + " runs past the message end");
                }
                int n = (int) len.value();
                bytesValue = Arrays.copyOfRange(bytes, position, position + n);
                position += n;
            }
            case 5 -> skip(4);
            default -> throw new MalformedDataException("unsupported protobuf wire type " + wireType);
        }
        return true;
    }

    private Varint.Decoded decodeVarint() {
        // Protobuf varints may be 10 bytes long (negative int64); libp2p never sends those.
        Varint.Decoded v = decodeLenient();
        position += v.length();
        return v;
    }

    private Varint.Decoded decodeLenient() {
        long value = 0;
        for (int i = 0; i < 10; i++) {
            if (position + i >= bytes.length) {
                throw new MalformedDataException("truncated protobuf varint");
            }
            int b = bytes[position + i] & 0xFF;
            value |= (long) (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                return new Varint.Decoded(value, i + 1);
            }
        }
        throw new MalformedDataException("protobuf varint longer than 10 bytes");
    }

    private void skip(int n) {
        if (n > bytes.length - position) {
            throw new MalformedDataException("truncated protobuf fixed-width field " + field);
        }
        position += n;
    }

    /** The current field exactly as encoded: key, length prefix (if any) and value. */
    public byte[] rawField() {
        return Arrays.copyOfRange(bytes, fieldStart, position);
    }

    public int field() {
        return field;
    }

    /** The value of a varint field. */
    public long varint() {
        if (wireType != 0) {
            throw new MalformedDataException("protobuf field " + field + " is not a varint");
        }
        return varintValue;
    }

    /** The value of a length-delimited field. */
    public byte[] bytes() {
        if (wireType != 2) {
            throw new MalformedDataException("protobuf field " + field + " is not length-delimited");
        }
        return bytesValue.clone();
    }

    /** The value of a length-delimited field as strict UTF-8. */
    public String string() {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new MalformedDataException("protobuf field " + field + " is not UTF-8", e);
        }
    }
}
