// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.p2p.chat;

import org.signal.libsignal.protocol.state.PreKeyBundle;

/**
 * Hands out this device's prekey bundle for peers that have no session with it yet. The private
 * halves must already be in the libsignal store the direct messages use; the bundle's identity
 * key must be the certified device key.
 */
@FunctionalInterface
public interface PrekeySource {
    PreKeyBundle bundle();
}
