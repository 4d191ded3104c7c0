// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.crypto.identity;

/** A device certificate or revocation that must not be trusted; {@link #reason()} says why. */
public final class InvalidCertificateException extends Exception {
    /** Why the statement was rejected. */
    public enum Reason {
        /** Not the canonical encoding of a statement of this kind. */
        MALFORMED,
        /** A format version this code does not know. */
        UNSUPPORTED_VERSION,
        /** Issued by another account than the one expected. */
        WRONG_ACCOUNT,
        /** The signature does not verify under the account's identity key. */
        BAD_SIGNATURE,
        /** Its creation time lies in the future beyond the allowed clock skew. */
        NOT_YET_VALID,
        /** Its expiry time has passed. */
        EXPIRED,
        /** A valid revocation from the same account covers it. */
        REVOKED
    }

    private final Reason reason;

    InvalidCertificateException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
