// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.crypto.verification;

/** A scanned safety number that cannot be compared; {@link #reason()} says why. */
public final class InvalidFingerprintException extends Exception {
    /** Why the scan could not be compared. */
    public enum Reason {
        /** The other side uses another fingerprint version. */
        VERSION_MISMATCH,
        /** The scanned bytes are not a fingerprint. */
        MALFORMED
    }

    private final Reason reason;

    InvalidFingerprintException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
