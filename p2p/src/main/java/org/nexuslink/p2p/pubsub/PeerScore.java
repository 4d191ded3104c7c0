// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.p2p.pubsub;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.nexuslink.p2p.PeerId;
import org.nexuslink.p2p.internal.wire.Bytes;

/**
 * The gossipsub v1.1 score of every peer the router knows ({@link PeerScoreParams} gives the
 * formula): counters fed by what peers do, decayed by {@link #refresh}, read by {@link #score}.
 * The router decides with it who joins meshes, who gets gossip and our messages, and whose RPCs
 * are ignored. A peer that leaves keeps a non-positive score for {@code retainScore}, so it cannot
 * shed a penalty by reconnecting.
 *
 * <p>Not thread-safe: owned by the {@link Gossipsub} router and used only under its lock.
 */
final class PeerScore {
    private final PeerScoreParams params;
    private final Clock clock;
    private final Map<PeerId, Stats> peers = new HashMap<>();
    private final Map<InetAddress, Set<PeerId>> byIp = new HashMap<>();
    /** Per message id: when it first arrived, and which peers delivered it since. */
    private final Map<Bytes, Delivery> deliveries = new HashMap<>();

    private Instant lastDecay;

    private static final class TopicStats {
        boolean inMesh;
        Instant graftTime;
        double firstDeliveries;
        double meshDeliveries;
        boolean meshDeliveriesActive;
        double meshFailurePenalty;
        double invalidDeliveries;
    }

    private static final class Stats {
        boolean connected = true;
        Instant expires;
        Optional<InetAddress> ip = Optional.empty();
        final Map<String, TopicStats> topics = new HashMap<>();
        double behaviourPenalty;

        TopicStats topic(String t) {
            return topics.computeIfAbsent(t, k -> new TopicStats());
        }
    }

    private static final class Delivery {
        final Instant first;
        final String topic;
        final Set<PeerId> peers = new HashSet<>();

        Delivery(Instant first, String topic) {
            this.first = first;
            this.topic = topic;
        }
    }

    PeerScore(PeerScoreParams params, Clock clock) {
        this.params = params;
        this.clock = clock;
        this.lastDecay = clock.instant();
    }

    PeerScoreParams.Thresholds thresholds() {
        return params.thresholds();
    }

    /** A peer connected from {@code ip}; a retained score is taken up again. */
    void add(PeerId peer, Optional<InetAddress> ip) {
        Stats s = peers.computeIfAbsent(peer, p -> new Stats());
        s.connected = true;
        s.expires = null;
        s.ip.ifPresent(old -> forgetIp(old, peer));
        s.ip = ip;
        ip.ifPresent(a -> byIp.computeIfAbsent(a, k -> new HashSet<>()).add(peer));
    }

    /** A peer left: its mesh memberships end (with their failure penalties); a positive score is dropped. */
    void remove(PeerId peer) {
        Stats s = peers.get(peer);
        if (s == null) {
            return;
        }
        for (Map.Entry<String, TopicStats> e : s.topics.entrySet()) {
            if (e.getValue().inMesh) {
                prune(peer, e.getKey());
            }
        }
        s.ip.ifPresent(a -> forgetIp(a, peer));
        if (score(peer) > 0) {
            peers.remove(peer);
            return;
        }
        s.connected = false;
        s.expires = clock.instant().plus(params.retainScore());
        // Delivery counters belong to a connection; penalties (P3b, P4, P7) stay.
        for (TopicStats t : s.topics.values()) {
            t.firstDeliveries = 0;
            t.meshDeliveries = 0;
            t.meshDeliveriesActive = false;
        }
    }

    void graft(PeerId peer, String topic) {
        Stats s = peers.get(peer);
        if (s == null) {
            return;
        }
        TopicStats t = s.topic(topic);
        t.inMesh = true;
        t.graftTime = clock.instant();
        t.meshDeliveriesActive = false;
    }

    /** The peer left our mesh of {@code topic}: a delivery deficit it had becomes a sticky penalty (P3b). */
    void prune(PeerId peer, String topic) {
        Stats s = peers.get(peer);
        if (s == null) {
            return;
        }
        TopicStats t = s.topic(topic);
        PeerScoreParams.Topic p = params.topic(topic);
        if (t.inMesh && t.meshDeliveriesActive && t.meshDeliveries < p.meshMessageDeliveriesThreshold()) {
            double deficit = p.meshMessageDeliveriesThreshold() - t.meshDeliveries;
            t.meshFailurePenalty += deficit * deficit;
        }
        t.inMesh = false;
    }

    /** A valid message we had not seen arrived from {@code peer} (P2, and P3 if it is a mesh peer). */
    void deliverFirst(PeerId peer, String topic, Bytes id) {
        Delivery d = new Delivery(clock.instant(), topic);
        d.peers.add(peer);
        deliveries.put(id, d);
        Stats s = peers.get(peer);
        if (s == null) {
            return;
        }
        PeerScoreParams.Topic p = params.topic(topic);
        TopicStats t = s.topic(topic);
        t.firstDeliveries = Math.min(t.firstDeliveries + 1, p.firstMessageDeliveriesCap());
        if (t.inMesh) {
            t.meshDeliveries = Math.min(t.meshDeliveries + 1, p.meshMessageDeliveriesCap());
        }
    }

    /** A message we had seen arrived again from {@code peer}: it counts for P3 if close enough to the first. */
    void deliverDuplicate(PeerId peer, Bytes id) {
        Delivery d = deliveries.get(id);
        Stats s = peers.get(peer);
        if (d == null || s == null || !d.peers.add(peer)) {
            return;
        }
        PeerScoreParams.Topic p = params.topic(d.topic);
        TopicStats t = s.topic(d.topic);
        if (t.inMesh && !clock.instant().isAfter(d.first.plus(p.meshMessageDeliveryWindow()))) {
            t.meshDeliveries = Math.min(t.meshDeliveries + 1, p.meshMessageDeliveriesCap());
        }
    }

    /** The peer sent an invalid message on {@code topic} (P4). */
    void rejectInvalid(PeerId peer, String topic) {
        Stats s = peers.get(peer);
        if (s != null) {
            s.topic(topic).invalidDeliveries += 1;
        }
    }

    /** The peer misbehaved {@code count} times (P7). */
    void addPenalty(PeerId peer, double count) {
        Stats s = peers.get(peer);
        if (s != null) {
            s.behaviourPenalty += count;
        }
    }

    /** The peer's score now; 0 for a peer never seen. */
    double score(PeerId peer) {
        Stats s = peers.get(peer);
        if (s == null) {
            return 0;
        }
        Instant now = clock.instant();
        double topics = 0;
        for (Map.Entry<String, TopicStats> e : s.topics.entrySet()) {
            PeerScoreParams.Topic p = params.topic(e.getKey());
            TopicStats t = e.getValue();
            double part = 0;
            if (t.inMesh) {
                double quanta = (double) Duration.between(t.graftTime, now).toNanos()
                        / p.timeInMeshQuantum().toNanos();
                part += Math.min(quanta, p.timeInMeshCap()) * p.timeInMeshWeight();
            }
            part += t.firstDeliveries * p.firstMessageDeliveriesWeight();
            if (t.inMesh
                    && (t.meshDeliveriesActive || !now.isBefore(t.graftTime.plus(p.meshMessageDeliveriesActivation())))
                    && t.meshDeliveries < p.meshMessageDeliveriesThreshold()) {
                double deficit = p.meshMessageDeliveriesThreshold() - t.meshDeliveries;
                part += deficit * deficit * p.meshMessageDeliveriesWeight();
            }
            part += t.meshFailurePenalty * p.meshFailurePenaltyWeight();
            part += t.invalidDeliveries * t.invalidDeliveries * p.invalidMessageDeliveriesWeight();
            topics += part * p.topicWeight();
        }
        if (params.topicScoreCap() > 0 && topics > params.topicScoreCap()) {
            topics = params.topicScoreCap();
        }
        double score = topics + params.appSpecificScore().applyAsDouble(peer) * params.appSpecificWeight();
        if (s.ip.isPresent() && !params.ipColocationWhitelist().test(s.ip.get())) {
            int sharing = byIp.getOrDefault(s.ip.get(), Set.of()).size();
            if (sharing > params.ipColocationFactorThreshold()) {
                double surplus = sharing - params.ipColocationFactorThreshold();
                score += surplus * surplus * params.ipColocationFactorWeight();
            }
        }
        if (s.behaviourPenalty > params.behaviourPenaltyThreshold()) {
            double excess = s.behaviourPenalty - params.behaviourPenaltyThreshold();
            score += excess * excess * params.behaviourPenaltyWeight();
        }
        return score;
    }

    /**
     * Decays every counter once per elapsed decay interval, activates P3 for peers long enough in
     * a mesh, and forgets retained scores and delivery records that have run out.
     */
    void refresh() {
        Instant now = clock.instant();
        long intervals = Duration.between(lastDecay, now).toNanos()
                / params.decayInterval().toNanos();
        if (intervals > 0) {
            lastDecay = lastDecay.plus(params.decayInterval().multipliedBy(intervals));
        }
        for (Iterator<Map.Entry<PeerId, Stats>> it = peers.entrySet().iterator(); it.hasNext(); ) {
            Stats s = it.next().getValue();
            if (!s.connected && s.expires != null && now.isAfter(s.expires)) {
                it.remove();
                continue;
            }
            for (Map.Entry<String, TopicStats> e : s.topics.entrySet()) {
                PeerScoreParams.Topic p = params.topic(e.getKey());
                TopicStats t = e.getValue();
                if (intervals > 0) {
                    t.firstDeliveries = decay(t.firstDeliveries, p.firstMessageDeliveriesDecay(), intervals);
                    t.meshDeliveries = decay(t.meshDeliveries, p.meshMessageDeliveriesDecay(), intervals);
                    t.meshFailurePenalty = decay(t.meshFailurePenalty, p.meshFailurePenaltyDecay(), intervals);
                    t.invalidDeliveries = decay(t.invalidDeliveries, p.invalidMessageDeliveriesDecay(), intervals);
                }
                if (t.inMesh && !now.isBefore(t.graftTime.plus(p.meshMessageDeliveriesActivation()))) {
                    t.meshDeliveriesActive = true;
                }
            }
            if (intervals > 0) {
                s.behaviourPenalty = decay(s.behaviourPenalty, params.behaviourPenaltyDecay(), intervals);
            }
        }
        Instant oldest = now.minus(Duration.ofMinutes(2));
        deliveries.values().removeIf(d -> d.first.isBefore(oldest));
    }

    private double decay(double value, double factor, long intervals) {
        double decayed = value * Math.pow(factor, intervals);
        return decayed < params.decayToZero() ? 0 : decayed;
    }

    private void forgetIp(InetAddress ip, PeerId peer) {
        Set<PeerId> on = byIp.get(ip);
        if (on != null) {
            on.remove(peer);
            if (on.isEmpty()) {
                byIp.remove(ip);
            }
        }
    }
}
