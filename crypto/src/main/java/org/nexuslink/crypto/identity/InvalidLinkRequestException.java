// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.crypto.identity;

/** A link code that must not be approved; {@link #reason()} says why. */
public final class InvalidLinkRequestException extends Exception {
    /** Why the link request was refused. */
    public enum Reason {
        /** Not a link code of a known version. */
        MALFORMED,
        /** Its lifetime has passed: the new device must show a fresh code. */
        EXPIRED,
        /** It claims a lifetime longer than {@link LinkRequest#MAX_TTL}. */
        TOO_LONG_LIVED,
        /** Another device of the account already uses the requested device id. */
        DEVICE_ID_TAKEN
    }

    private final Reason reason;

    InvalidLinkRequestException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
