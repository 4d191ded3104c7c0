// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.protocol;

/**
 * The {@code mid} of an event: its position in its conversation, assigned by the server.
 *
 * <p>An unsigned 64-bit integer starting at 1 and increasing within one conversation; Java's
 * {@code long} holds it with unsigned semantics. Zero is not a message id.
 *
 * @param value the unsigned value, never zero
 */
public record MessageId(long value) implements Comparable<MessageId> {

    /** Rejects zero. */
    public MessageId {
        if (value == 0) {
            throw new IllegalArgumentException("message id must not be 0");
        }
    }

    /** Compares as unsigned integers, so later messages sort after earlier ones. */
    @Override
    public int compareTo(MessageId other) {
        return Long.compareUnsigned(value, other.value);
    }

    @Override
    public String toString() {
        return Long.toUnsignedString(value);
    }
}
