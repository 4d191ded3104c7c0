// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.p2p;

/** A {@link PeerBinding} that does not prove its PeerId belongs to the claimed account. */
public final class InvalidBindingException extends Exception {
    private static final long serialVersionUID = 1L;

    /** What was wrong. */
    public enum Reason {
        /** Not a well-formed binding. */
        MALFORMED,
        /** The device certificate inside is not valid for the claimed account (signature, time or revocation). */
        CERTIFICATE,
        /** The binding names another PeerId than the peer that authenticated on the connection. */
        WRONG_PEER,
        /** The device key did not sign this binding. */
        SIGNATURE,
        /** Created further in the future than the allowed clock skew. */
        FROM_THE_FUTURE
    }

    private final Reason reason;

    public InvalidBindingException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public InvalidBindingException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
