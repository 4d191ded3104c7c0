// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.p2p.pubsub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.nexuslink.p2p.PeerId;
import org.nexuslink.p2p.PeerKeyPair;
import org.nexuslink.p2p.internal.wire.Bytes;

/** Each part of the gossipsub v1.1 score (P1–P7), its cap, decay and retention, on a clock the test moves. */
class PeerScoreTest {
    private static final String T = "room";
    private final SecureRandom random = new SecureRandom();
    private final MovableClock clock = new MovableClock(Instant.parse("2026-12-01T10:00:00Z"));
    private final PeerId peer = PeerKeyPair.generate(random).peerId();

    /** A clock the test moves forward. */
    static final class MovableClock extends Clock {
        private Instant now;

        MovableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private PeerScore score(PeerScoreParams params) {
        PeerScore s = new PeerScore(params, clock);
        s.add(peer, Optional.of(ip("192.0.2.1")));
        return s;
    }

    private static InetAddress ip(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Bytes id(int n) {
        return Bytes.of(new byte[] {(byte) n, 1, 2});
    }

    @Test
    void time_in_mesh_counts_in_quanta_up_to_its_cap_and_stops_at_the_prune() {
        PeerScore s = score(PeerScoreParams.defaults());
        s.graft(peer, T);
        clock.advance(Duration.ofSeconds(100));
        assertThat(s.score(peer)).isCloseTo(1.0, within(1e-9)); // 100 s × 0.01
        clock.advance(Duration.ofHours(1));
        assertThat(s.score(peer)).isCloseTo(3.0, within(1e-9)); // capped at 300 quanta
        s.prune(peer, T);
        assertThat(s.score(peer)).isZero();
    }

    @Test
    void first_deliveries_count_up_to_their_cap_and_decay_to_zero() {
        PeerScore s = score(PeerScoreParams.defaults());
        for (int i = 0; i < 30; i++) {
            s.deliverFirst(peer, T, id(i));
        }
        assertThat(s.score(peer)).isEqualTo(20.0);
        clock.advance(Duration.ofMinutes(10));
        s.refresh();
        assertThat(s.score(peer)).isCloseTo(10.0, within(0.01)); // halved in ten minutes
        clock.advance(Duration.ofHours(2));
        s.refresh();
        assertThat(s.score(peer)).isZero(); // below decayToZero
    }

    @Test
    void a_mesh_peer_that_delivers_too_little_gets_the_squared_deficit_after_activation_and_keeps_it_when_pruned() {
        PeerScoreParams params = PeerScoreParams.defaults()
                .withTopic(
                        T,
                        PeerScoreParams.Topic.chatDefaults().withMeshDeliveries(-1, 4, 10, Duration.ofSeconds(5), -2));
        PeerScore s = score(params);
        s.graft(peer, T);
        s.deliverFirst(peer, T, id(1));
        assertThat(s.score(peer)).isEqualTo(1.0); // P2 only: P3 is not active yet
        clock.advance(Duration.ofSeconds(5));
        s.refresh();
        // P1 0.05 + P2 ~1 + P3 -(4 - ~1)² (counters decayed a little over five intervals)
        assertThat(s.score(peer)).isCloseTo(0.05 + 1 - 9, within(0.05));
        // A duplicate from a mesh peer within the window counts for P3; a late one does not.
        PeerId other = PeerKeyPair.generate(random).peerId();
        s.add(other, Optional.empty());
        s.deliverFirst(other, T, id(2));
        s.deliverDuplicate(peer, id(2));
        assertThat(s.score(peer)).isCloseTo(0.05 + 1 - 4, within(0.05));
        s.deliverFirst(other, T, id(3));
        clock.advance(Duration.ofSeconds(1));
        s.deliverDuplicate(peer, id(3));
        assertThat(s.score(peer)).isCloseTo(0.06 + 1 - 4, within(0.05)); // the late duplicate changed nothing
        s.prune(peer, T);
        // Out of the mesh: no P1, no P3; P3b keeps the deficit² (4 - 2)² = 4, times -2.
        assertThat(s.score(peer)).isCloseTo(1 - 8, within(0.1));
    }

    @Test
    void invalid_messages_cost_their_square() {
        PeerScore s = score(PeerScoreParams.defaults());
        s.rejectInvalid(peer, T);
        assertThat(s.score(peer)).isEqualTo(-10.0);
        s.rejectInvalid(peer, T);
        s.rejectInvalid(peer, T);
        assertThat(s.score(peer)).isEqualTo(-90.0);
        assertThat(s.score(peer))
                .isLessThan(PeerScoreParams.defaults().thresholds().graylistThreshold());
    }

    @Test
    void topic_parts_are_capped_but_penalties_outside_them_are_not() {
        PeerScoreParams params = PeerScoreParams.defaults().withAppSpecificScore(p -> p.equals(peer) ? 7 : 0, 2);
        PeerScore s = score(params);
        for (int i = 0; i < 20; i++) {
            s.deliverFirst(peer, T, id(i));
            s.deliverFirst(peer, "other", id(100 + i));
            s.deliverFirst(peer, "third", id(200 + i));
        }
        assertThat(s.score(peer)).isEqualTo(50.0 + 14.0); // 60 capped at 50, plus P5 7 × 2
        s.addPenalty(peer, 2);
        assertThat(s.score(peer)).isEqualTo(64.0 - 40.0); // P7: 2² × -10
    }

    @Test
    void more_peers_on_one_address_than_the_threshold_cost_the_squared_surplus_except_on_loopback() {
        PeerScore s = score(PeerScoreParams.defaults());
        for (int i = 0; i < 4; i++) {
            s.add(PeerKeyPair.generate(random).peerId(), Optional.of(ip("192.0.2.1")));
        }
        assertThat(s.score(peer)).isEqualTo(-40.0); // 5 peers, threshold 3: 2² × -10
        PeerScore local = new PeerScore(PeerScoreParams.defaults(), clock);
        for (int i = 0; i < 6; i++) {
            local.add(PeerKeyPair.generate(random).peerId(), Optional.of(InetAddress.getLoopbackAddress()));
        }
        local.add(peer, Optional.of(InetAddress.getLoopbackAddress()));
        assertThat(local.score(peer)).isZero();
    }

    @Test
    void a_peer_that_leaves_keeps_a_negative_score_until_it_expires_but_not_a_positive_one() {
        PeerScore s = score(PeerScoreParams.defaults());
        s.addPenalty(peer, 1);
        s.remove(peer);
        s.add(peer, Optional.of(ip("192.0.2.1")));
        assertThat(s.score(peer)).isNegative();
        s.remove(peer);
        clock.advance(Duration.ofMinutes(11));
        s.refresh();
        s.add(peer, Optional.of(ip("192.0.2.1")));
        assertThat(s.score(peer)).isZero();
        PeerId good = PeerKeyPair.generate(random).peerId();
        s.add(good, Optional.empty());
        s.deliverFirst(good, T, id(9));
        s.remove(good);
        s.add(good, Optional.empty());
        assertThat(s.score(good)).isZero();
    }

    @Test
    void parameters_with_the_wrong_sign_or_order_are_refused() {
        assertThatThrownBy(() -> new PeerScoreParams.Thresholds(-10, -5, -80, 0, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PeerScoreParams.Topic.chatDefaults().withMeshDeliveries(1, 4, 10, Duration.ZERO, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("wrong sign");
        assertThatThrownBy(() -> new PeerScoreParams(
                        Map.of(),
                        PeerScoreParams.Topic.chatDefaults(),
                        50,
                        p -> 0,
                        1,
                        1,
                        3,
                        a -> false,
                        -10,
                        0,
                        0.5,
                        Duration.ofSeconds(1),
                        0.01,
                        Duration.ZERO,
                        PeerScoreParams.defaults().thresholds()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
