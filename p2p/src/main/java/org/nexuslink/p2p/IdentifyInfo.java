// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.p2p;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a peer says about itself over identify ({@code /ipfs/id/1.0.0}): its key, the addresses
 * it listens on, the address it sees us at, and the protocols it serves.
 *
 * @param observedAddress our address as the peer sees it, if it said
 */
public record IdentifyInfo(
        String protocolVersion,
        String agentVersion,
        PeerPublicKey publicKey,
        List<Multiaddr> listenAddresses,
        Optional<Multiaddr> observedAddress,
        List<String> protocols) {

    public IdentifyInfo {
        Objects.requireNonNull(protocolVersion);
        Objects.requireNonNull(agentVersion);
        Objects.requireNonNull(publicKey);
        listenAddresses = List.copyOf(listenAddresses);
        Objects.requireNonNull(observedAddress);
        protocols = List.copyOf(protocols);
    }
}
