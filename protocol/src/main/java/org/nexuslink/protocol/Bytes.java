// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.protocol;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * An immutable byte string with value equality, because records compare {@code byte[]} by identity.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class Bytes {

    /** The empty byte string. */
    public static final Bytes EMPTY = new Bytes(new byte[0]);

    private static final HexFormat HEX = HexFormat.of();
    private static final int TO_STRING_HEX_BYTES = 32;

    private final byte[] value;

    private Bytes(byte[] value) {
        this.value = value;
    }

    /**
     * Copies {@code bytes} into a new byte string.
     *
     * @param bytes the bytes to copy; not null
     * @return a byte string equal to {@code bytes}
     */
    public static Bytes of(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        return bytes.length == 0 ? EMPTY : new Bytes(bytes.clone());
    }

    /**
     * Copies {@code length} bytes of {@code bytes} from {@code offset} into a new byte string.
     *
     * @throws IndexOutOfBoundsException if the range lies outside {@code bytes}
     */
    public static Bytes of(byte[] bytes, int offset, int length) {
        Objects.requireNonNull(bytes, "bytes");
        Objects.checkFromIndexSize(offset, length, bytes.length);
        return length == 0 ? EMPTY : new Bytes(Arrays.copyOfRange(bytes, offset, offset + length));
    }

    /**
     * Parses lowercase or uppercase hexadecimal digits; spaces and line breaks are ignored.
     *
     * @throws IllegalArgumentException if {@code hex} holds anything else or an odd number of digits
     */
    public static Bytes fromHex(String hex) {
        Objects.requireNonNull(hex, "hex");
        String digits = hex.replaceAll("\\s+", "");
        return of(HEX.parseHex(digits));
    }

    /** Returns the number of bytes. */
    public int length() {
        return value.length;
    }

    /** Returns true if there are no bytes. */
    public boolean isEmpty() {
        return value.length == 0;
    }

    /** Returns a fresh copy of the bytes. */
    public byte[] toByteArray() {
        return value.clone();
    }

    /** Returns the bytes as lowercase hexadecimal digits without separators. */
    public String hex() {
        return HEX.formatHex(value);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Bytes that && Arrays.equals(value, that.value);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(value);
    }

    /** Shows the length and at most the first 32 bytes in hex. */
    @Override
    public String toString() {
        if (value.length <= TO_STRING_HEX_BYTES) {
            return "Bytes[" + value.length + ":" + hex() + "]";
        }
        return "Bytes[" + value.length + ":" + HEX.formatHex(value, 0, TO_STRING_HEX_BYTES) + "...]";
    }
}
