// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.p2p.pubsub;

import java.time.Duration;

/**
 * Gossipsub parameters, named as in the gossipsub v1.0/v1.1 specs.
 *
 * @param d desired mesh degree
 * @param dLow below this many mesh peers the heartbeat grafts more
 * @param dHigh above this many mesh peers the heartbeat prunes down to {@code d}
 * @param dLazy peers (outside the mesh) each heartbeat's gossip goes to
 * @param heartbeat interval of mesh maintenance and gossip
 * @param historyLength heartbeats a message stays in the message cache (answers IWANT)
 * @param historyGossip heartbeats of recent ids advertised in IHAVE
 * @param fanoutTtl how long fanout peers of a topic we publish to but did not join are kept
 * @param seenTtl how long a message id is remembered for de-duplication
 * @param pruneBackoff how long a pruned peer must wait before grafting again
 * @param maxMessageSize largest message data accepted or published
 * @param maxRpcSize largest RPC read from a peer
 * @param maxIHaveIds message ids asked for per IHAVE received
 * @param score the peer score's parameters and thresholds
 */
public record GossipsubOptions(
        int d,
        int dLow,
        int dHigh,
        int dLazy,
        Duration heartbeat,
        int historyLength,
        int historyGossip,
        Duration fanoutTtl,
        Duration seenTtl,
        Duration pruneBackoff,
        int maxMessageSize,
        int maxRpcSize,
        int maxIHaveIds,
        PeerScoreParams score) {

    public GossipsubOptions {
        if (!(0 < dLow && dLow <= d && d <= dHigh) || dLazy < 0) {
            throw new IllegalArgumentException("need 0 < dLow <= d <= dHigh and dLazy >= 0");
        }
        if (historyGossip > historyLength || historyGossip < 1) {
            throw new IllegalArgumentException("need 1 <= historyGossip <= historyLength");
        }
        if (heartbeat.isNegative() || heartbeat.isZero()) {
            throw new IllegalArgumentException("heartbeat must be positive");
        }
        java.util.Objects.requireNonNull(score, "score");
    }

    /**
     * The specs' defaults (D=6, D_lo=4, D_hi=12, D_lazy=6, 1 s heartbeat, 5/3 history, 2 min seen)
     * and {@link PeerScoreParams#defaults()}.
     */
    public static GossipsubOptions defaults() {
        return new GossipsubOptions(6, 4, 12, 6, Duration.ofSeconds(1), 5, 3, Duration.ofSeconds(60),
                Duration.ofMinutes(2), Duration.ofMinutes(1), 1 << 20, 4 << 20, 5000, PeerScoreParams.defaults());
    }

    public GossipsubOptions withHeartbeat(Duration interval) {
        return new GossipsubOptions(d, dLow, dHigh, dLazy, interval, historyLength, historyGossip, fanoutTtl, seenTtl,
                pruneBackoff, maxMessageSize, maxRpcSize, maxIHaveIds, score);
    }

    public GossipsubOptions withScore(PeerScoreParams params) {
        return new GossipsubOptions(d, dLow, dHigh, dLazy, heartbeat, historyLength, historyGossip, fanoutTtl, seenTtl,
                pruneBackoff, maxMessageSize, maxRpcSize, maxIHaveIds, params);
    }
}
