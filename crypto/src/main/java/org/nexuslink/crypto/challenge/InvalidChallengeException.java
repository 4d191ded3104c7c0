// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.crypto.challenge;

/** A challenge or challenge response that must not authenticate anyone; {@link #reason()} says why. */
public final class InvalidChallengeException extends Exception {
    /** Why the challenge was refused. */
    public enum Reason {
        /** Not the canonical encoding of a challenge. */
        MALFORMED,
        /** Issued for another server: another server id, or another server key than the one pinned or held. */
        WRONG_SERVER,
        /** Names another origin than the URL the client is talking to. */
        WRONG_ORIGIN,
        /** The server's signature does not verify under the pinned server key. */
        BAD_SERVER_SIGNATURE,
        /** The signature does not verify under the device key. */
        BAD_SIGNATURE,
        /** Older than the allowed age. */
        EXPIRED,
        /** Issued in the future beyond the allowed clock skew. */
        FROM_FUTURE
    }

    private final Reason reason;

    InvalidChallengeException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
