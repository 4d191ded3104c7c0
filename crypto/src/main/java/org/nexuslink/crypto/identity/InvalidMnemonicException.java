// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.crypto.identity;

/**
 * Words that are not a NexusLink recovery mnemonic. The message names the problem and, for an
 * unknown word, its position, never the words themselves (they are the secret).
 */
public final class InvalidMnemonicException extends Exception {
    /** The check that failed. */
    public enum Reason {
        WRONG_LENGTH,
        UNKNOWN_WORD,
        BAD_CHECKSUM
    }

    private final Reason reason;
    private final int position;

    InvalidMnemonicException(Reason reason, int position, String message) {
        super(message);
        this.reason = reason;
        this.position = position;
    }

    public Reason reason() {
        return reason;
    }

    /** The 1-based position of the offending word, or 0 when the problem is not one word. */
    public int position() {
        return position;
    }
}
