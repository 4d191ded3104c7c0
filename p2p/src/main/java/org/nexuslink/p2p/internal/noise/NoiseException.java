// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.p2p.internal.noise;

import java.io.IOException;

/** A Noise message failed to decrypt or authenticate, or the handshake went out of order. */
public final class NoiseException extends IOException {
    private static final long serialVersionUID = 1L;

    public NoiseException(String message) {
        super(message);
    }
}
