// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.p2p;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How a {@link P2pNode} runs.
 *
 * @param identity the device's libp2p key
 * @param listen TCP multiaddrs to listen on ({@code /ip4/0.0.0.0/tcp/0} picks a port); may be empty
 * @param maxConnections connections open at once, both directions; further inbound ones are closed at once
 * @param maxInboundStreams streams one peer may have open towards us at once; extras are reset
 * @param handshakeTimeout time a new connection has to finish multistream, Noise and yamux negotiation
 * @param agentVersion what identify tells peers we run
 */
public record NodeOptions(
        PeerKeyPair identity,
        List<Multiaddr> listen,
        int maxConnections,
        int maxInboundStreams,
        Duration handshakeTimeout,
        String agentVersion) {

    public NodeOptions {
        Objects.requireNonNull(identity);
        listen = List.copyOf(listen);
        if (maxConnections < 1 || maxInboundStreams < 1) {
            throw new IllegalArgumentException("connection and stream limits must be positive");
        }
        if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
            throw new IllegalArgumentException("handshake timeout must be positive");
        }
        Objects.requireNonNull(agentVersion);
    }

    /** Sensible limits for a chat node: 64 connections, 64 inbound streams each, 10 s handshakes. */
    public static NodeOptions defaults(PeerKeyPair identity, List<Multiaddr> listen) {
        return new NodeOptions(identity, listen, 64, 64, Duration.ofSeconds(10), "nexuslink/0.1.0");
    }

    public NodeOptions withLimits(int connections, int inboundStreams) {
        return new NodeOptions(identity, listen, connections, inboundStreams, handshakeTimeout, agentVersion);
    }
}
