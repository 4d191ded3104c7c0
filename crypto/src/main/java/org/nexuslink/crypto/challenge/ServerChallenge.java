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
import org.nexuslink.crypto.server.ServerKeyPair;
import org.nexuslink.crypto.server.ServerPublicKey;
import org.signal.libsignal.protocol.ecc.ECPublicKey;

/**
 * What a server asks a device to sign to prove it holds a certified device key: a random nonce,
 * the server's id, the time of issue, the server's long-term public key and the origin the
 * device is talking to.
 *
 * <p>Encoded as a canonical MsgPack map {@code {0: 2, 1: nonce (16..64 bytes), 2: server id
 * (UTF-8, 1..255 bytes), 3: issue time (Unix seconds), 4: server key (32-byte Ed25519), 5: origin
 * (normalised scheme://host[:port])}}. The server signs, with its Ed25519 server key,
 * {@code "nexuslink/server-challenge/v2" 0x00} followed by that encoding; the device checks that
 * signature under the key it pinned at join, that the challenge names that key and the origin of
 * the URL it uses ({@link #verifyServer}), and only then signs, with XEdDSA,
 * {@code "nexuslink/challenge/v2" 0x00} followed by the same encoding. So a server relaying
 * another server's challenge gets nothing signed, and a server that rewrites the key to its own
 * gets a signature the other server refuses, since its key is inside the signed bytes. The
 * server remembers the nonces it issued to stop replays at itself. Immutable and thread-safe.
 */
public final class ServerChallenge {
    /** Label of the device's signature. */
    public static final String DOMAIN = "nexuslink/challenge/v2";
    /** Label of the server's signature. */
    public static final String SERVER_DOMAIN = "nexuslink/server-challenge/v2";

    public static final int VERSION = 2;
    public static final int NONCE_LENGTH = 32;
    /** How long a signed challenge is accepted after it was issued, unless the server says otherwise. */
    public static final Duration DEFAULT_MAX_AGE = Duration.ofMinutes(2);
    /** How far an issue time may lie ahead of the verifier's clock. */
    public static final Duration MAX_CLOCK_SKEW = Duration.ofSeconds(30);

    private static final int K_VERSION = 0;
    private static final int K_NONCE = 1;
    private static final int K_SERVER = 2;
    private static final int K_ISSUED = 3;
    private static final int K_SERVER_KEY = 4;
    private static final int K_ORIGIN = 5;
    private static final Set<Integer> KEYS = Set.of(K_VERSION, K_NONCE, K_SERVER, K_ISSUED, K_SERVER_KEY, K_ORIGIN);

    private final byte[] nonce;
    private final String serverId;
    private final Instant issuedAt;
    private final ServerPublicKey serverKey;
    private final Origin origin;
    private final byte[] encoded;

    private ServerChallenge(byte[] nonce, String serverId, Instant issuedAt, ServerPublicKey serverKey, Origin origin) {
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
        this.serverKey = serverKey;
        this.origin = origin;
        this.encoded = new CanonicalMap()
                .put(K_VERSION, VERSION)
                .put(K_NONCE, nonce)
                .put(K_SERVER, serverId)
                .put(K_ISSUED, this.issuedAt.getEpochSecond())
                .put(K_SERVER_KEY, serverKey.bytes())
                .put(K_ORIGIN, origin.toString())
                .encode();
    }

    /** A fresh challenge from {@code serverId} holding {@code serverKey}, for a device talking to {@code origin}. */
    public static ServerChallenge issue(
            String serverId, ServerPublicKey serverKey, Origin origin, Clock clock, SecureRandom random) {
        Objects.requireNonNull(serverId, "serverId");
        byte[] nonce = new byte[NONCE_LENGTH];
        random.nextBytes(nonce);
        return new ServerChallenge(
                nonce,
                serverId,
                clock.instant(),
                Objects.requireNonNull(serverKey, "serverKey"),
                Objects.requireNonNull(origin, "origin"));
    }

    /** A challenge of given fields. */
    public static ServerChallenge of(
            byte[] nonce, String serverId, Instant issuedAt, ServerPublicKey serverKey, Origin origin) {
        return new ServerChallenge(
                nonce.clone(),
                Objects.requireNonNull(serverId, "serverId"),
                Objects.requireNonNull(issuedAt, "issuedAt"),
                Objects.requireNonNull(serverKey, "serverKey"),
                Objects.requireNonNull(origin, "origin"));
    }

    /**
     * Parses the encoding. Version 1 challenges (which named no server key) are refused.
     *
     * @throws InvalidChallengeException with {@code MALFORMED}
     */
    public static ServerChallenge decode(byte[] encoded) throws InvalidChallengeException {
        try {
            CanonicalMap m = CanonicalMap.decode(encoded, KEYS);
            if (m.requireLong(K_VERSION) != VERSION) {
                throw new CanonicalMap.MalformedException("unknown challenge version " + m.requireLong(K_VERSION));
            }
            return new ServerChallenge(
                    m.requireBytes(K_NONCE, -1),
                    m.requireString(K_SERVER),
                    Instant.ofEpochSecond(m.requireLong(K_ISSUED)),
                    ServerPublicKey.of(m.requireBytes(K_SERVER_KEY, ServerPublicKey.LENGTH)),
                    Origin.parse(m.requireString(K_ORIGIN)));
        } catch (CanonicalMap.MalformedException | IllegalArgumentException | java.time.DateTimeException e) {
            throw new InvalidChallengeException(
                    InvalidChallengeException.Reason.MALFORMED, "malformed challenge: " + e.getMessage());
        }
    }

    /** The server's 64-byte Ed25519 signature over this challenge, which clients check before signing. */
    public byte[] serverSignature(ServerKeyPair server) {
        if (!server.publicKey().equals(serverKey)) {
            throw new IllegalArgumentException("this challenge names another server key than " + server.publicKey());
        }
        return server.sign(SERVER_DOMAIN, encoded);
    }

    /**
     * The client's check before it signs: the challenge names {@code pinnedKey} and
     * {@code expectedOrigin} (the origin of the URL the client itself connects to), and
     * {@code serverSignature} verifies under {@code pinnedKey}.
     *
     * @throws InvalidChallengeException with {@code WRONG_SERVER}, {@code WRONG_ORIGIN} or
     *     {@code BAD_SERVER_SIGNATURE}
     */
    public void verifyServer(byte[] serverSignature, ServerPublicKey pinnedKey, Origin expectedOrigin)
            throws InvalidChallengeException {
        Objects.requireNonNull(serverSignature, "serverSignature");
        if (!serverKey.equals(Objects.requireNonNull(pinnedKey, "pinnedKey"))) {
            throw new InvalidChallengeException(
                    InvalidChallengeException.Reason.WRONG_SERVER,
                    "challenge names server key " + serverKey.base64() + ", not the pinned " + pinnedKey.base64());
        }
        if (!origin.equals(Objects.requireNonNull(expectedOrigin, "expectedOrigin"))) {
            throw new InvalidChallengeException(
                    InvalidChallengeException.Reason.WRONG_ORIGIN,
                    "challenge names origin " + origin + ", not " + expectedOrigin);
        }
        if (!pinnedKey.verify(SERVER_DOMAIN, encoded, serverSignature)) {
            throw new InvalidChallengeException(
                    InvalidChallengeException.Reason.BAD_SERVER_SIGNATURE,
                    "challenge is not signed by the pinned server key " + pinnedKey.base64());
        }
    }

    /** The device's 64-byte XEdDSA signature over this challenge. */
    public byte[] sign(DeviceKeyPair device) {
        return DomainSignature.sign(device.privateKey(), DOMAIN, encoded);
    }

    /**
     * Checks a device's response: the challenge is for {@code expectedServerId} and
     * {@code expectedServerKey}, no older than {@code maxAge} and not from the future by
     * {@code clock}'s now, and {@code signature} verifies under {@code deviceKey}. The origin is
     * not checked here: it is the client's check (see docs/protocol.md).
     *
     * @throws InvalidChallengeException with {@code WRONG_SERVER}, {@code FROM_FUTURE},
     *     {@code EXPIRED} or {@code BAD_SIGNATURE}
     */
    public void verify(
            byte[] signature,
            ECPublicKey deviceKey,
            String expectedServerId,
            ServerPublicKey expectedServerKey,
            Clock clock,
            Duration maxAge)
            throws InvalidChallengeException {
        Objects.requireNonNull(signature, "signature");
        Objects.requireNonNull(deviceKey, "deviceKey");
        checkServer(expectedServerId, expectedServerKey);
        Instant now = clock.instant();
        if (issuedAt.isAfter(now.plus(MAX_CLOCK_SKEW))) {
            throw new InvalidChallengeException(
                    InvalidChallengeException.Reason.FROM_FUTURE,
                    "challenge issued at " + issuedAt + " lies in the future of " + now);
        }
        if (now.isAfter(issuedAt.plus(maxAge))) {
            throw new InvalidChallengeException(
                    InvalidChallengeException.Reason.EXPIRED,
                    "challenge issued at " + issuedAt + " is older than " + maxAge + " (now " + now + ")");
        }
        if (!DomainSignature.verify(deviceKey, DOMAIN, encoded, signature)) {
            throw new InvalidChallengeException(
                    InvalidChallengeException.Reason.BAD_SIGNATURE,
                    "challenge signature does not verify under the device key");
        }
    }

    /**
     * Checks that the challenge names this server: its id and its key.
     *
     * @throws InvalidChallengeException with {@code WRONG_SERVER}
     */
    public void checkServer(String expectedServerId, ServerPublicKey expectedServerKey)
            throws InvalidChallengeException {
        if (!serverId.equals(expectedServerId)) {
            throw new InvalidChallengeException(
                    InvalidChallengeException.Reason.WRONG_SERVER,
                    "challenge is for server \"" + serverId + "\", not \"" + expectedServerId + "\"");
        }
        if (!serverKey.equals(expectedServerKey)) {
            throw new InvalidChallengeException(
                    InvalidChallengeException.Reason.WRONG_SERVER,
                    "challenge names server key " + serverKey.base64() + ", not this server's "
                            + expectedServerKey.base64());
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

    public ServerPublicKey serverKey() {
        return serverKey;
    }

    public Origin origin() {
        return origin;
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
        return "ServerChallenge[server=" + serverId + ", origin=" + origin + ", issued=" + issuedAt + "]";
    }
}
