// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.p2p;

/** Hears about connections a {@link P2pNode} opens and loses; each call runs on its own virtual thread. */
public interface ConnectionListener {
    void connected(PeerConnection connection);

    void disconnected(PeerConnection connection);
}
