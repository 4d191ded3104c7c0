// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.crypto.identity;

/** A text or key that is not a NexusLink account id; {@link #reason()} says which check failed. */
public final class InvalidAccountIdException extends Exception {
    /** The check that failed. */
    public enum Reason {
        WRONG_PREFIX,
        WRONG_LENGTH,
        BAD_ALPHABET,
        NOT_A_KEY
    }

    private final Reason reason;

    InvalidAccountIdException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
