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

class ServerChallengeTest {
    static final Clock T0 = Clock.fixed(Instant.parse("2026-11-01T12:00:00Z"), ZoneOffset.UTC);
    static final Duration AGE = ServerChallenge.DEFAULT_MAX_AGE;
    final DeviceKeyPair device = DeviceKeyPair.generate();
    final ServerChallenge challenge = ServerChallenge.issue("chat.example.org", T0, new SecureRandom());

    @Test
    void signed_challenge_verifies_for_the_server_while_fresh() throws Exception {
        ServerChallenge received = ServerChallenge.decode(challenge.encoded());
        byte[] signature = received.sign(device);
        assertThat(signature).hasSize(64);
        challenge.verify(signature, device.publicKey(), "chat.example.org", Clock.offset(T0, Duration.ofSeconds(90)), AGE);
    }

    @Test
    void known_encoding_is_canonical_msgpack() throws Exception {
        ServerChallenge c = ServerChallenge.of(new byte[16], "s", Instant.ofEpochSecond(1_700_000_000L));
        assertThat(HexFormat.of().formatHex(c.encoded()))
                .isEqualTo("84" + "0001" + "01c410" + "00".repeat(16) + "02a173" + "03ce6553f100");
        assertThat(ServerChallenge.decode(c.encoded())).isEqualTo(c);
    }

    @Test
    void stale_challenge_is_rejected() {
        byte[] signature = challenge.sign(device);
        Clock late = Clock.offset(T0, AGE.plusSeconds(1));
        assertThatThrownBy(() -> challenge.verify(signature, device.publicKey(), "chat.example.org", late, AGE))
                .isInstanceOfSatisfying(InvalidChallengeException.class,
                        e -> assertThat(e.reason()).isEqualTo(InvalidChallengeException.Reason.EXPIRED));
    }

    @Test
    void challenge_from_the_future_is_rejected() {
        byte[] signature = challenge.sign(device);
        Clock early = Clock.offset(T0, ServerChallenge.MAX_CLOCK_SKEW.plusSeconds(1).negated());
        assertThatThrownBy(() -> challenge.verify(signature, device.publicKey(), "chat.example.org", early, AGE))
                .isInstanceOfSatisfying(InvalidChallengeException.class,
                        e -> assertThat(e.reason()).isEqualTo(InvalidChallengeException.Reason.FROM_FUTURE));
    }

    @Test
    void response_replayed_at_another_server_is_rejected() {
        byte[] signature = challenge.sign(device);
        assertThatThrownBy(() -> challenge.verify(signature, device.publicKey(), "evil.example.org", T0, AGE))
                .isInstanceOfSatisfying(InvalidChallengeException.class,
                        e -> assertThat(e.reason()).isEqualTo(InvalidChallengeException.Reason.WRONG_SERVER));
    }

    @Test
    void signature_by_another_key_or_over_another_challenge_is_rejected() {
        byte[] byOther = challenge.sign(DeviceKeyPair.generate());
        assertThatThrownBy(() -> challenge.verify(byOther, device.publicKey(), "chat.example.org", T0, AGE))
                .isInstanceOfSatisfying(InvalidChallengeException.class,
                        e -> assertThat(e.reason()).isEqualTo(InvalidChallengeException.Reason.BAD_SIGNATURE));
        byte[] forOther = ServerChallenge.issue("chat.example.org", T0, new SecureRandom()).sign(device);
        assertThatThrownBy(() -> challenge.verify(forOther, device.publicKey(), "chat.example.org", T0, AGE))
                .isInstanceOf(InvalidChallengeException.class);
    }

    @Test
    void malformed_challenges_are_rejected() {
        byte[] good = challenge.encoded();
        for (byte[] bad : new byte[][] {new byte[0], {(byte) 0x80}, java.util.Arrays.copyOf(good, good.length - 1),
                java.util.Arrays.copyOf(good, good.length + 1)}) {
            assertThatThrownBy(() -> ServerChallenge.decode(bad))
                    .isInstanceOfSatisfying(InvalidChallengeException.class,
                            e -> assertThat(e.reason()).isEqualTo(InvalidChallengeException.Reason.MALFORMED));
        }
    }
}
