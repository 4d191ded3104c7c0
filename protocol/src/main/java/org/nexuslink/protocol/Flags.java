// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.protocol;

/**
 * The {@code flg} bitmap of an event: metadata the server may act on without reading the content.
 *
 * <p>Bits this version does not define are carried unchanged.
 *
 * @param bits the unsigned 32-bit bitmap
 */
public record Flags(long bits) {

    /** Largest bitmap value. */
    public static final long MAX_BITS = 0xFFFF_FFFFL;

    /** No flags set. */
    public static final Flags NONE = new Flags(0);

    /** Bit 0: recipients' devices should not alert, and the server sends no push notification. */
    public static final Flags SILENT = new Flags(1);

    /**
     * Bit 1, set by the server only: a moderator deleted the event's content; what remains is
     * its tombstone (cid, kind, mid, t, tags, no data). Clients hide it.
     */
    public static final Flags DELETED = new Flags(2);

    /** Validates the range. */
    public Flags {
        if (bits < 0 || bits > MAX_BITS) {
            throw new IllegalArgumentException("flags must fit in 32 bits, got " + bits);
        }
    }

    /** Returns true if every bit of {@code other} is set here. */
    public boolean contains(Flags other) {
        return (bits & other.bits) == other.bits;
    }

    /** Returns the union of both bitmaps. */
    public Flags with(Flags other) {
        return new Flags(bits | other.bits);
    }

    /** Returns true if no bit is set. */
    public boolean isEmpty() {
        return bits == 0;
    }

    @Override
    public String toString() {
        return "Flags[0x" + Long.toHexString(bits) + "]";
    }
}
