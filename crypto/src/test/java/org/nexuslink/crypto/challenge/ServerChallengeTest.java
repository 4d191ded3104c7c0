// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.crypto.challenge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.nexuslink.crypto.identity.DeviceKeyPair;
import org.nexuslink.crypto.server.ServerKeyPair;
import org.nexuslink.crypto.server.ServerPublicKey;

class ServerChallengeTest {
    static final Clock T0 = Clock.fixed(Instant.parse("2026-11-01T12:00:00Z"), ZoneOffset.UTC);
    static final Duration AGE = ServerChallenge.DEFAULT_MAX_AGE;
    static final Origin ORIGIN = Origin.parse("https://chat.example.org");
    final DeviceKeyPair device = DeviceKeyPair.generate();
    final ServerKeyPair server = ServerKeyPair.generate(new SecureRandom());
    final ServerPublicKey key = server.publicKey();
    final ServerChallenge challenge = ServerChallenge.issue("chat.example.org", key, ORIGIN, T0, new SecureRandom());

    @Test
    void signed_challenge_verifies_for_the_server_while_fresh() throws Exception {
        ServerChallenge received = ServerChallenge.decode(challenge.encoded());
        byte[] signature = received.sign(device);
        assertThat(signature).hasSize(64);
        challenge.verify(
                signature, device.publicKey(), "chat.example.org", key, Clock.offset(T0, Duration.ofSeconds(90)), AGE);
    }

    @Test
    void known_encoding_is_canonical_msgpack() throws Exception {
        // docs/protocol.md's golden vector: RFC 8032 TEST 1's public key, origin http://a.
        ServerPublicKey rfcKey = ServerKeyPair.fromPrivateKey(
                        HexFormat.of().parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"))
                .publicKey();
        ServerChallenge c = ServerChallenge.of(
                new byte[16], "s", Instant.ofEpochSecond(1_700_000_000L), rfcKey, Origin.parse("http://a"));
        assertThat(HexFormat.of().formatHex(c.encoded()))
                .isEqualTo("86" + "0002" + "01c410" + "00".repeat(16) + "02a173" + "03ce6553f100"
                        + "04c420" + "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
                        + "05a8" + "687474703a2f2f61");
        assertThat(ServerChallenge.decode(c.encoded())).isEqualTo(c);
    }

    @Test
    void version_1_challenges_are_refused() {
        byte[] v1 = HexFormat.of().parseHex("84" + "0001" + "01c410" + "00".repeat(16) + "02a173" + "03ce6553f100");
        assertThatThrownBy(() -> ServerChallenge.decode(v1))
                .isInstanceOfSatisfying(
                        InvalidChallengeException.class,
                        e -> assertThat(e.reason()).isEqualTo(InvalidChallengeException.Reason.MALFORMED));
    }

    @Test
    void client_accepts_a_challenge_signed_by_the_pinned_key_for_its_origin() throws Exception {
        ServerChallenge received = ServerChallenge.decode(challenge.encoded());
        received.verifyServer(challenge.serverSignature(server), key, ORIGIN);
    }

    @Test
    void client_refuses_a_challenge_of_another_server_key() {
        ServerKeyPair other = ServerKeyPair.generate(new SecureRandom());
        ServerChallenge foreign =
                ServerChallenge.issue("chat.example.org", other.publicKey(), ORIGIN, T0, new SecureRandom());
        assertThatThrownBy(() -> foreign.verifyServer(foreign.serverSignature(other), key, ORIGIN))
                .isInstanceOfSatisfying(
                        InvalidChallengeException.class,
                        e -> assertThat(e.reason()).isEqualTo(InvalidChallengeException.Reason.WRONG_SERVER));
    }

    @Test
    void client_refuses_a_challenge_for_another_origin() {
        assertThatThrownBy(() -> challenge.verifyServer(
                        challenge.serverSignature(server), key, Origin.parse("https://evil.example.org")))
                .isInstanceOfSatisfying(
                        InvalidChallengeException.class,
                        e -> assertThat(e.reason()).isEqualTo(InvalidChallengeException.Reason.WRONG_ORIGIN));
    }

    @Test
    void client_refuses_a_challenge_naming_its_key_without_its_signature() {
        ServerKeyPair forger = ServerKeyPair.generate(new SecureRandom());
        byte[] forged = forger.sign(ServerChallenge.SERVER_DOMAIN, challenge.encoded());
        assertThatThrownBy(() -> challenge.verifyServer(forged, key, ORIGIN))
                .isInstanceOfSatisfying(
                        InvalidChallengeException.class,
                        e -> assertThat(e.reason()).isEqualTo(InvalidChallengeException.Reason.BAD_SERVER_SIGNATURE));
        // The server's signature is no device signature and the reverse (distinct domains).
        assertThatThrownBy(() -> challenge.verifyServer(challenge.sign(device), key, ORIGIN))
                .isInstanceOf(InvalidChallengeException.class);
    }

    @Test
    void response_for_a_challenge_naming_another_server_key_is_rejected() {
        ServerPublicKey other = ServerKeyPair.generate(new SecureRandom()).publicKey();
        byte[] signature = challenge.sign(device);
        assertThatThrownBy(() -> challenge.verify(signature, device.publicKey(), "chat.example.org", other, T0, AGE))
                .isInstanceOfSatisfying(
                        InvalidChallengeException.class,
                        e -> assertThat(e.reason()).isEqualTo(InvalidChallengeException.Reason.WRONG_SERVER));
    }

    @Test
    void stale_challenge_is_rejected() {
        byte[] signature = challenge.sign(device);
        Clock late = Clock.offset(T0, AGE.plusSeconds(1));
        assertThatThrownBy(() -> challenge.verify(signature, device.publicKey(), "chat.example.org", key, late, AGE))
                .isInstanceOfSatisfying(
                        InvalidChallengeException.class,
                        e -> assertThat(e.reason()).isEqualTo(InvalidChallengeException.Reason.EXPIRED));
    }

    @Test
    void challenge_from_the_future_is_rejected() {
        byte[] signature = challenge.sign(device);
        Clock early =
                Clock.offset(T0, ServerChallenge.MAX_CLOCK_SKEW.plusSeconds(1).negated());
        assertThatThrownBy(() -> challenge.verify(signature, device.publicKey(), "chat.example.org", key, early, AGE))
                .isInstanceOfSatisfying(
                        InvalidChallengeException.class,
                        e -> assertThat(e.reason()).isEqualTo(InvalidChallengeException.Reason.FROM_FUTURE));
    }

    @Test
    void response_replayed_at_another_server_is_rejected() {
        byte[] signature = challenge.sign(device);
        assertThatThrownBy(() -> challenge.verify(signature, device.publicKey(), "evil.example.org", key, T0, AGE))
                .isInstanceOfSatisfying(
                        InvalidChallengeException.class,
                        e -> assertThat(e.reason()).isEqualTo(InvalidChallengeException.Reason.WRONG_SERVER));
    }

    @Test
    void signature_by_another_key_or_over_another_challenge_is_rejected() {
        byte[] byOther = challenge.sign(DeviceKeyPair.generate());
        assertThatThrownBy(() -> challenge.verify(byOther, device.publicKey(), "chat.example.org", key, T0, AGE))
                .isInstanceOfSatisfying(
                        InvalidChallengeException.class,
                        e -> assertThat(e.reason()).isEqualTo(InvalidChallengeException.Reason.BAD_SIGNATURE));
        byte[] forOther = ServerChallenge.issue("chat.example.org", key, ORIGIN, T0, new SecureRandom())
                .sign(device);
        assertThatThrownBy(() -> challenge.verify(forOther, device.publicKey(), "chat.example.org", key, T0, AGE))
                .isInstanceOf(InvalidChallengeException.class);
    }

    @Test
    void malformed_challenges_are_rejected() {
        byte[] good = challenge.encoded();
        for (byte[] bad : new byte[][] {
            new byte[0],
            {(byte) 0x80},
            java.util.Arrays.copyOf(good, good.length - 1),
            java.util.Arrays.copyOf(good, good.length + 1)
        }) {
            assertThatThrownBy(() -> ServerChallenge.decode(bad))
                    .isInstanceOfSatisfying(
                            InvalidChallengeException.class,
                            e -> assertThat(e.reason()).isEqualTo(InvalidChallengeException.Reason.MALFORMED));
        }
    }
}
