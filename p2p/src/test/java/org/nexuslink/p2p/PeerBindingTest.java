// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.p2p;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.nexuslink.crypto.identity.AccountIdentity;
import org.nexuslink.crypto.identity.DeviceCertificate;
import org.nexuslink.crypto.identity.DeviceId;
import org.nexuslink.crypto.identity.DeviceKeyPair;

class PeerBindingTest {

    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private final SecureRandom random = new SecureRandom();
    private final AccountIdentity alice = AccountIdentity.generate();
    private final DeviceKeyPair aliceDevice = DeviceKeyPair.generate();
    private final DeviceCertificate aliceCert =
            alice.certify(new DeviceId(2), aliceDevice.publicKey(), NOW.minusSeconds(60), Optional.empty());
    private final PeerId alicePeer = PeerKeyPair.generate(random).peerId();

    @Test
    void a_binding_proves_the_peer_belongs_to_the_account_after_a_round_trip() throws Exception {
        PeerBinding binding = PeerBinding.issue(aliceDevice, aliceCert, alicePeer, NOW);
        PeerBinding decoded = PeerBinding.decode(binding.encoded());
        assertThat(decoded.encoded()).isEqualTo(binding.encoded());
        DeviceCertificate verified = decoded.verify(alice.accountId(), alicePeer, CLOCK);
        assertThat(verified.deviceId()).isEqualTo(new DeviceId(2));
    }

    @Test
    void a_peer_cannot_claim_an_account_it_has_no_certificate_for() throws Exception {
        AccountIdentity mallory = AccountIdentity.generate();
        DeviceKeyPair malloryDevice = DeviceKeyPair.generate();
        DeviceCertificate malloryCert =
                mallory.certify(new DeviceId(1), malloryDevice.publicKey(), NOW.minusSeconds(60), Optional.empty());
        PeerId malloryPeer = PeerKeyPair.generate(random).peerId();
        byte[] binding =
                PeerBinding.issue(malloryDevice, malloryCert, malloryPeer, NOW).encoded();
        assertThatThrownBy(() -> PeerBinding.decode(binding).verify(alice.accountId(), malloryPeer, CLOCK))
                .isInstanceOf(InvalidBindingException.class)
                .extracting(e -> ((InvalidBindingException) e).reason())
                .isEqualTo(InvalidBindingException.Reason.CERTIFICATE);
    }

    @Test
    void another_peer_cannot_replay_a_captured_binding() throws Exception {
        byte[] captured =
                PeerBinding.issue(aliceDevice, aliceCert, alicePeer, NOW).encoded();
        PeerId mallory = PeerKeyPair.generate(random).peerId();
        assertThatThrownBy(() -> PeerBinding.decode(captured).verify(alice.accountId(), mallory, CLOCK))
                .isInstanceOf(InvalidBindingException.class)
                .extracting(e -> ((InvalidBindingException) e).reason())
                .isEqualTo(InvalidBindingException.Reason.WRONG_PEER);
    }

    @Test
    void a_stolen_certificate_cannot_bind_a_peer_without_the_device_key() throws Exception {
        DeviceKeyPair malloryKey = DeviceKeyPair.generate();
        PeerId malloryPeer = PeerKeyPair.generate(random).peerId();
        // Mallory re-signs a binding of her own PeerId with her key but Alice's certificate.
        byte[] genuine =
                PeerBinding.issue(aliceDevice, aliceCert, alicePeer, NOW).encoded();
        byte[] forged = withPeerAndSignature(
                genuine, malloryPeer, malloryKey.privateKey().calculateSignature(new byte[] {1}));
        assertThatThrownBy(() -> PeerBinding.decode(forged).verify(alice.accountId(), malloryPeer, CLOCK))
                .isInstanceOf(InvalidBindingException.class)
                .extracting(e -> ((InvalidBindingException) e).reason())
                .isEqualTo(InvalidBindingException.Reason.SIGNATURE);
        assertThatThrownBy(() -> PeerBinding.issue(malloryKey, aliceCert, malloryPeer, NOW))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void a_revoked_device_can_no_longer_bind_a_peer() throws Exception {
        PeerBinding binding = PeerBinding.issue(aliceDevice, aliceCert, alicePeer, NOW);
        var revocation = alice.revoke(aliceCert, NOW.minusSeconds(1));
        assertThatThrownBy(() -> binding.verify(alice.accountId(), alicePeer, CLOCK, List.of(revocation)))
                .isInstanceOf(InvalidBindingException.class)
                .extracting(e -> ((InvalidBindingException) e).reason())
                .isEqualTo(InvalidBindingException.Reason.CERTIFICATE);
    }

    @Test
    void a_binding_from_the_future_is_refused() throws Exception {
        PeerBinding binding = PeerBinding.issue(aliceDevice, aliceCert, alicePeer, NOW.plus(Duration.ofHours(1)));
        assertThatThrownBy(() -> binding.verify(alice.accountId(), alicePeer, CLOCK))
                .isInstanceOf(InvalidBindingException.class)
                .extracting(e -> ((InvalidBindingException) e).reason())
                .isEqualTo(InvalidBindingException.Reason.FROM_THE_FUTURE);
    }

    @Property(tries = 1000)
    void random_bytes_are_malformed_bindings(@ForAll @Size(max = 200) byte[] bytes) {
        try {
            PeerBinding.decode(bytes);
        } catch (InvalidBindingException expected) {
            assertThat(expected.reason()).isEqualTo(InvalidBindingException.Reason.MALFORMED);
        }
    }

    /** The genuine binding with its PeerId (field 2) and signature (field 4) replaced. */
    private static byte[] withPeerAndSignature(byte[] genuine, PeerId peer, byte[] signature) {
        var r = new org.nexuslink.p2p.internal.wire.ProtobufReader(genuine);
        var w = new org.nexuslink.p2p.internal.wire.ProtobufWriter();
        while (r.next()) {
            switch (r.field()) {
                case 1 -> w.bytes(1, r.bytes());
                case 2 -> w.bytes(2, peer.toBytes());
                case 3 -> w.varint(3, r.varint());
                case 4 -> w.bytes(4, signature);
                default -> throw new AssertionError();
            }
        }
        return w.toByteArray();
    }
}
