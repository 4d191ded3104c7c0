// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.protocol;

/**
 * The {@code seq} of an envelope: chosen by the sender of a request, echoed by its reply.
 *
 * <p>An unsigned 64-bit integer held in a {@code long} with unsigned semantics; each side counts
 * its own requests. Zero marks an error reply to a request whose seq could not be read.
 *
 * @param value the unsigned value
 */
public record Seq(long value) {

    /** The seq of an error reply to an unreadable request. */
    public static final Seq UNKNOWN = new Seq(0);

    /** Returns the seq after this one, wrapping from 2^64-1 to 1. */
    public Seq next() {
        return value == -1L ? new Seq(1) : new Seq(value + 1);
    }

    @Override
    public String toString() {
        return Long.toUnsignedString(value);
    }
}
