// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.protocol;

import java.io.IOException;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.msgpack.core.MessagePackException;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.ValueType;
import org.nexuslink.protocol.internal.FrameValidator;
import org.nexuslink.protocol.internal.WireWriter;

/**
 * One complete MsgPack value kept as its encoded bytes, so a decoder can carry what it does not
 * understand (extension values, unknown tag values) to the next hop unchanged.
 *
 * @param encoded exactly one well-formed MsgPack value
 */
public record RawValue(Bytes encoded) {

    /** Checks that {@code encoded} is exactly one well-formed MsgPack value. */
    public RawValue {
        Objects.requireNonNull(encoded, "encoded");
        FrameValidator.requireSingleValue(encoded.toByteArray());
    }

    /** Returns the MsgPack encoding of an unsigned integer ({@code value} read as unsigned). */
    public static RawValue ofUnsigned(long value) {
        return new RawValue(Bytes.of(WireWriter.single(w -> w.uint(value))));
    }

    /** Returns the MsgPack encoding of a UTF-8 string. */
    public static RawValue ofString(String value) {
        Objects.requireNonNull(value, "value");
        return new RawValue(Bytes.of(WireWriter.single(w -> w.str(value))));
    }

    /** Returns the MsgPack encoding of a binary value. */
    public static RawValue ofBinary(Bytes value) {
        Objects.requireNonNull(value, "value");
        return new RawValue(Bytes.of(WireWriter.single(w -> w.bin(value))));
    }

    /**
     * The value as a string, or empty if it is not a MsgPack string of valid UTF-8. Read with
     * {@link MsgPackSettings#UNPACKER}, as the wire codec reads strings: msgpack-core's default
     * would replace bad bytes, and give every call a 16 KiB decoding buffer (13 % of opening a
     * channel event on the client, which reads its author here).
     */
    public Optional<String> asString() {
        try (MessageUnpacker unpacker = MsgPackSettings.UNPACKER.newUnpacker(encoded.toByteArray())) {
            return unpacker.getNextFormat().getValueType() == ValueType.STRING
                    ? Optional.of(unpacker.unpackString())
                    : Optional.empty();
        } catch (IOException | MessagePackException e) {
            return Optional.empty();
        }
    }

    /** The value as an unsigned integer that fits a {@code long}, or empty if it is not one. */
    public OptionalLong asUnsigned() {
        try (MessageUnpacker unpacker = MsgPackSettings.UNPACKER.newUnpacker(encoded.toByteArray())) {
            if (unpacker.getNextFormat().getValueType() != ValueType.INTEGER) {
                return OptionalLong.empty();
            }
            long value = unpacker.unpackLong(); // beyond a long: MessageIntegerOverflowException
            return value >= 0 ? OptionalLong.of(value) : OptionalLong.empty();
        } catch (IOException | MessagePackException e) {
            return OptionalLong.empty();
        }
    }

    @Override
    public String toString() {
        return "RawValue[" + encoded.hex() + "]";
    }
}
