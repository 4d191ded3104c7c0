// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.protocol;

import java.util.Objects;
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

    @Override
    public String toString() {
        return "RawValue[" + encoded.hex() + "]";
    }
}
