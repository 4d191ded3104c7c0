// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.p2p.chat;

import java.util.Objects;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.crypto.identity.DeviceCertificate;
import org.nexuslink.p2p.PeerId;
import org.signal.libsignal.protocol.SignalProtocolAddress;

/**
 * A peer whose {@link org.nexuslink.p2p.PeerBinding} verified: the libp2p PeerId the Noise
 * handshake authenticated, and the device certificate that ties it to an {@code nxl:} account.
 *
 * @param peerId the authenticated libp2p peer
 * @param certificate the verified certificate of the device behind it
 */
public record DirectPeer(PeerId peerId, DeviceCertificate certificate) {
    public DirectPeer {
        Objects.requireNonNull(peerId, "peerId");
        Objects.requireNonNull(certificate, "certificate");
    }

    public AccountId account() {
        return certificate.accountId();
    }

    public int device() {
        return certificate.deviceId().value();
    }

    /** The device's libsignal address, the one the client's sessions use in community mode too. */
    public SignalProtocolAddress address() {
        return new SignalProtocolAddress(account().toString(), device());
    }

    @Override
    public String toString() {
        return "DirectPeer[" + account() + ":" + device() + " " + peerId + "]";
    }
}
