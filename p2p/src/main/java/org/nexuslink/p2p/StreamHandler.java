// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.p2p;

import java.io.IOException;

/** Serves one protocol on streams peers open to this node; runs on the stream's own virtual thread. */
@FunctionalInterface
public interface StreamHandler {
    /**
     * Serves {@code stream}; the node resets it if this throws and half-closes it when this returns.
     */
    void handle(P2pStream stream) throws IOException;
}
