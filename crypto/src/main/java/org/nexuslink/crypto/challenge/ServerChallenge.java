// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.crypto.challenge;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Objects;
import java.util.Set;
import org.nexuslink.crypto.identity.DeviceKeyPair;
import org.nexuslink.crypto.internal.CanonicalMap;
import org.nexuslink.crypto.internal.DomainSignature;
import org.signal.libsignal.protocol.ecc.ECPublicKey;

/**
 * What a server asks a device to sign to prove it holds a certified device key: a random nonce,
 * the server's id, and the time of issue.
 *
 * <p>Encoded as a canonical MsgPack map {@code {0: 1, 1: nonce (16..64 bytes), 2: server id
 * (UTF-8, 1..255 bytes), 3: issue time (Unix seconds)}}; the device signs, with XEdDSA,
 * {@code "nexuslink/challenge/v1" 0x00} followed by that encoding. The server id in the signed
 * bytes stops a response to one server from being replayed at another; the server remembers the
 * nonces it issued to stop replays at itself. Immutable and thread-safe.
 */
public final class ServerChallenge {
    public static final String DOMAIN = "nexuslink/challenge/v1";
    public static final int NONCE_LENGTH = 32;
    /** How long a signed challenge is accepted after it was issued, unless the server says otherwise. */
    public static final Duration DEFAULT_MAX_AGE = Duration.ofMinutes(2);
    /** How far an issue time may lie ahead of the verifier's clock. */
    public static final Duration MAX_CLOCK_SKEW = Duration.ofSeconds(30);
    private static final int K_VERSION = 0;
    private static final int K_NONCE = 1;
    private static final int K_SERVER = 2;
    private static final int K_ISSUED = 3;
    private static final Set<Integer> KEYS = Set.of(K_VERSION, K_NONCE, K_SERVER, K_ISSUED);

    private final byte[] nonce;
    private final String serverId;
    private final Instant issuedAt;
    private final byte[] encoded;

    private ServerChallenge(byte[] nonce, String serverId, Instant issuedAt) {
        if (nonce.length < 16 || nonce.length > 64) {
            throw new IllegalArgumentException("a challenge nonce has 16 to 64 bytes, got " + nonce.length);
        }
        int idLength = serverId.getBytes(StandardCharsets.UTF_8).length;
        if (idLength < 1 || idLength > 255) {
            throw new IllegalArgumentException("a server id has 1 to 255 UTF-8 bytes, got " + idLength);
        }
        this.nonce = nonce;
        this.serverId = serverId;
        this.issuedAt = issuedAt.truncatedTo(ChronoUnit.SECONDS);
        this.encoded = new CanonicalMap()
                .put(K_VERSION, 1)
                .put(K_NONCE, nonce)
                .put(K_SERVER, serverId)
                .put(K_ISSUED, this.issuedAt.getEpochSecond())
                .encode();
    }

    /** A fresh challenge from {@code serverId} at {@code clock}'s now. */
    public static ServerChallenge issue(String serverId, Clock clock, SecureRandom random) {
        Objects.requireNonNull(serverId, "serverId");
        byte[] nonce = new byte[NONCE_LENGTH];
        random.nextBytes(nonce);
        return new ServerChallenge(nonce, serverId, clock.instant());
    }

    /** A challenge of given fields, as a client rebuilds it from a server's message. */
    public static ServerChallenge of(byte[] nonce, String serverId, Instant issuedAt) {
        return new ServerChallenge(nonce.clone(), Objects.requireNonNull(serverId, "serverId"),
                Objects.requireNonNull(issuedAt, "issuedAt"));
    }

    /**
     * Parses the encoding.
     *
     * @throws InvalidChallengeException with {@code MALFORMED}
     */
    public static ServerChallenge decode(byte[] encoded) throws InvalidChallengeException {
        try {
            CanonicalMap m = CanonicalMap.decode(encoded, KEYS);
            if (m.requireLong(K_VERSION) != 1) {
                throw new CanonicalMap.MalformedException("unknown challenge version " + m.requireLong(K_VERSION));
            }
            return new ServerChallenge(m.requireBytes(K_NONCE, -1), m.requireString(K_SERVER),
                    Instant.ofEpochSecond(m.requireLong(K_ISSUED)));
        } catch (CanonicalMap.MalformedException | IllegalArgumentException | java.time.DateTimeException e) {
            throw new InvalidChallengeException(InvalidChallengeException.Reason.MALFORMED,
                    "malformed challenge: " + e.getMessage());
        }
    }

    /** The device's 64-byte XEdDSA signature over this challenge. */
    public byte[] sign(DeviceKeyPair device) {
        return DomainSignature.sign(device.privateKey(), DOMAIN, encoded);
    }

    /**
     * Checks a device's response: the challenge is for {@code expectedServerId}, no older than
     * {@code maxAge} and not from the future by {@code clock}'s now, and {@code signature} verifies
     * under {@code deviceKey}.
     *
     * @throws InvalidChallengeException with {@code WRONG_SERVER}, {@code FROM_FUTURE},
     *     {@code EXPIRED} or {@code BAD_SIGNATURE}
     */
    public void verify(byte[] signature, ECPublicKey deviceKey, String expectedServerId, Clock clock, Duration maxAge)
            throws InvalidChallengeException {
        Objects.requireNonNull(signature, "signature");
        Objects.requireNonNull(deviceKey, "deviceKey");
        if (!serverId.equals(expectedServerId)) {
            throw new InvalidChallengeException(InvalidChallengeException.Reason.WRONG_SERVER,
                    "challenge is for server \"" + serverId + "\", not \"" + expectedServerId + "\"");
        }
        Instant now = clock.instant();
        if (issuedAt.isAfter(now.plus(MAX_CLOCK_SKEW))) {
            throw new InvalidChallengeException(InvalidChallengeException.Reason.FROM_FUTURE,
                    "challenge issued at " + issuedAt + " lies in the future of " + now);
        }
        if (now.isAfter(issuedAt.plus(maxAge))) {
            throw new InvalidChallengeException(InvalidChallengeException.Reason.EXPIRED,
                    "challenge issued at " + issuedAt + " is older than " + maxAge + " (now " + now + ")");
        }
        if (!DomainSignature.verify(deviceKey, DOMAIN, encoded, signature)) {
            throw new InvalidChallengeException(InvalidChallengeException.Reason.BAD_SIGNATURE,
                    "challenge signature does not verify under the device key");
        }
    }

    public byte[] nonce() {
        return nonce.clone();
    }

    public String serverId() {
        return serverId;
    }

    public Instant issuedAt() {
        return issuedAt;
    }

    /** The canonical encoding, as sent to the device. */
    public byte[] encoded() {
        return encoded.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ServerChallenge other && Arrays.equals(encoded, other.encoded);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(encoded);
    }

    @Override
    public String toString() {
        return "ServerChallenge[server=" + serverId + ", issued=" + issuedAt + "]";
    }
}
