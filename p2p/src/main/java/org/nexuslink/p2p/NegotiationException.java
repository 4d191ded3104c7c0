// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.p2p;

import java.io.IOException;

/**
 * A connection or stream could not be set up: the peer offered none of our protocols, failed
 * the Noise handshake, is not the peer we dialled, or broke a connection limit.
 */
public final class NegotiationException extends IOException {
    private static final long serialVersionUID = 1L;

    public NegotiationException(String message) {
        super(message);
    }

    public NegotiationException(String message, Throwable cause) {
        super(message, cause);
    }
}
