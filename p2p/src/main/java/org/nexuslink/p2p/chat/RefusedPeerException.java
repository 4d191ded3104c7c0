// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.p2p.chat;

import java.io.IOException;

/**
 * A peer was refused by the direct-message protocol: its binding to an account did not verify, it
 * is bound to another account than the one asked for, its keys do not match its certificate, or
 * what it sent could not be decrypted. Nothing it sent was delivered.
 */
public final class RefusedPeerException extends IOException {
    public RefusedPeerException(String message) {
        super(message);
    }

    public RefusedPeerException(String message, Throwable cause) {
        super(message, cause);
    }
}
