// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.p2p.pubsub;

import java.time.Duration;

/**
 * Gossipsub parameters, named as in the gossipsub v1.0/v1.1 specs.
 *
 * @param d desired mesh degree
 * @param dLow below this many mesh peers the heartbeat grafts more
 * @param dHigh above this many mesh peers the heartbeat prunes down to {@code d}
 * @param dOut mesh peers that must be ones we dialled (the v1.1 outbound quota: a flood of inbound
 *     connections cannot take over the mesh)
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
        int dOut,
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
        if (dOut < 0 || dOut >= dLow || dOut > d / 2) {
            throw new IllegalArgumentException("need 0 <= dOut < dLow and dOut <= d / 2, got dOut=" + dOut);
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
     * The specs' defaults (D=6, D_lo=4, D_hi=12, D_out=2, D_lazy=6, 1 s heartbeat, 5/3 history,
     * 2 min seen) and {@link PeerScoreParams#defaults()}.
     */
    public static GossipsubOptions defaults() {
        return new GossipsubOptions(
                6,
                4,
                12,
                2,
                6,
                Duration.ofSeconds(1),
                5,
                3,
                Duration.ofSeconds(60),
                Duration.ofMinutes(2),
                Duration.ofMinutes(1),
                1 << 20,
                4 << 20,
                5000,
                PeerScoreParams.defaults());
    }

    public GossipsubOptions withHeartbeat(Duration interval) {
        return new GossipsubOptions(
                d,
                dLow,
                dHigh,
                dOut,
                dLazy,
                interval,
                historyLength,
                historyGossip,
                fanoutTtl,
                seenTtl,
                pruneBackoff,
                maxMessageSize,
                maxRpcSize,
                maxIHaveIds,
                score);
    }

    /** These options with another mesh degree and outbound quota. */
    public GossipsubOptions withDegree(int d, int dLow, int dHigh, int dOut) {
        return new GossipsubOptions(
                d,
                dLow,
                dHigh,
                dOut,
                dLazy,
                heartbeat,
                historyLength,
                historyGossip,
                fanoutTtl,
                seenTtl,
                pruneBackoff,
                maxMessageSize,
                maxRpcSize,
                maxIHaveIds,
                score);
    }

    public GossipsubOptions withScore(PeerScoreParams params) {
        return new GossipsubOptions(
                d,
                dLow,
                dHigh,
                dOut,
                dLazy,
                heartbeat,
                historyLength,
                historyGossip,
                fanoutTtl,
                seenTtl,
                pruneBackoff,
                maxMessageSize,
                maxRpcSize,
                maxIHaveIds,
                params);
    }
}
