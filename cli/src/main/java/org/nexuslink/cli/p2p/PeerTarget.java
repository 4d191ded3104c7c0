// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.p2p;

import java.util.Optional;
import org.nexuslink.cli.client.ClientFailure;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.crypto.identity.InvalidAccountIdException;
import org.nexuslink.p2p.MalformedDataException;
import org.nexuslink.p2p.Multiaddr;
import org.nexuslink.p2p.PeerConnection;
import org.nexuslink.p2p.PeerId;

/**
 * Whom a p2p command is for: an account ({@code nxl:...}: any of its devices found), a PeerId
 * ({@code 12D3KooW...}), or a multiaddr to dial (ending in {@code /p2p/<id>}).
 */
record PeerTarget(String text, Optional<AccountId> account, Optional<PeerId> peer, Optional<Multiaddr> address) {

    /** @throws ClientFailure naming the text when it is none of the three */
    static PeerTarget parse(String text) {
        try {
            if (text.startsWith("nxl:")) {
                return new PeerTarget(text, Optional.of(AccountId.parse(text)), Optional.empty(), Optional.empty());
            }
            if (text.startsWith("/")) {
                Multiaddr address = Multiaddr.parse(text);
                return new PeerTarget(text, Optional.empty(), address.peerId(), Optional.of(address));
            }
            return new PeerTarget(text, Optional.empty(), Optional.of(PeerId.parse(text)), Optional.empty());
        } catch (InvalidAccountIdException | MalformedDataException | IllegalArgumentException e) {
            throw new ClientFailure(
                    "not an nxl: account id, a PeerId or a multiaddr: " + text + " (" + e.getMessage() + ")");
        }
    }

    /** Whether the peer behind {@code connection} may be the one meant (its account is checked when sending). */
    boolean mayBe(PeerConnection connection) {
        return peer.map(p -> p.equals(connection.remotePeer())).orElse(true);
    }
}
