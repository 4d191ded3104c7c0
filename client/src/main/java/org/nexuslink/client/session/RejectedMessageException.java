// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.session;

/**
 * An incoming message this device will not accept: it does not decrypt, its sender's key is not
 * certified by the sending account, its identity key changed, or its payload is malformed. The
 * message says why without quoting any content.
 */
public final class RejectedMessageException extends Exception {
    private final boolean identityChanged;

    public RejectedMessageException(String message, boolean identityChanged, Throwable cause) {
        super(message, cause);
        this.identityChanged = identityChanged;
    }

    /** Whether the sender's device key differs from the one this device trusted before. */
    public boolean identityChanged() {
        return identityChanged;
    }
}
