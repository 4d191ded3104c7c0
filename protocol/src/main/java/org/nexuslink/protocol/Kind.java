// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.protocol;

import java.util.Map;

/**
 * The kind {@code k} of an event, from an open registry.
 *
 * <p>Kinds not in this version's registry are still valid: they decode to a {@code Kind} whose
 * {@link #isRegistered()} is false, so servers relay kinds that newer clients introduce.
 *
 * @param code the unsigned 16-bit code
 */
public record Kind(int code) {

    /** Largest kind code. */
    public static final int MAX_CODE = 0xFFFF;

    /** Kind 1: a text message. */
    public static final Kind TEXT = new Kind(1);
    /** Kind 3: a file message that references an uploaded, encrypted file. */
    public static final Kind FILE = new Kind(3);
    /** Kind 5: revokes an earlier message named by a revoke tag. */
    public static final Kind REVOKE = new Kind(5);
    /**
     * Kind 16: a device's Sender Key for a direct-mode room, only ever inside an end-to-end
     * encrypted direct message between peers (docs/p2p.md).
     */
    public static final Kind SENDER_KEY = new Kind(16);

    private static final Map<Integer, String> NAMES = Map.of(1, "text", 3, "file", 5, "revoke", 16, "sender_key");

    /** Validates the range. */
    public Kind {
        if (code < 0 || code > MAX_CODE) {
            throw new IllegalArgumentException("kind must be 0 to " + MAX_CODE + ", got " + code);
        }
    }

    /** Returns true if this version of the protocol defines the kind. */
    public boolean isRegistered() {
        return NAMES.containsKey(code);
    }

    /** Returns the registry name ({@code text}, {@code file}, {@code revoke}, {@code sender_key}) or {@code unknown}. */
    public String label() {
        return NAMES.getOrDefault(code, "unknown");
    }

    @Override
    public String toString() {
        return label() + "(" + code + ")";
    }
}
