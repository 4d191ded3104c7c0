// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.crypto.identity;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.nexuslink.crypto.internal.Base32Text;
import org.nexuslink.crypto.internal.CanonicalMap;
import org.nexuslink.crypto.internal.Curve25519Keys;

/**
 * What a new device shows (as a QR code or typed text) so that an existing device of the account
 * can certify it: the new device's public key, the device id it asks for, a one-time nonce and a
 * short expiry.
 *
 * <p>Text form: {@code NXLINK1:} and the upper-case unpadded base32 of a canonical MsgPack map
 * {@code {0: 1, 1: device id, 2: device key (32 bytes), 3: nonce (16 bytes), 4: expiry (Unix
 * seconds)}}. Upper case keeps the whole code inside QR's compact alphanumeric mode; parsing
 * accepts either case. Immutable and thread-safe.
 */
public final class LinkRequest {
    public static final String PREFIX = "NXLINK1:";
    /** The longest lifetime a link code may claim. */
    public static final Duration MAX_TTL = Duration.ofHours(1);
    /** The lifetime {@code nexuslink} gives its link codes. */
    public static final Duration DEFAULT_TTL = Duration.ofMinutes(10);

    public static final int NONCE_LENGTH = 16;
    private static final int K_VERSION = 0;
    private static final int K_DEVICE_ID = 1;
    private static final int K_DEVICE_KEY = 2;
    private static final int K_NONCE = 3;
    private static final int K_EXPIRES = 4;
    private static final Set<Integer> KEYS = Set.of(K_VERSION, K_DEVICE_ID, K_DEVICE_KEY, K_NONCE, K_EXPIRES);

    private final DeviceId deviceId;
    private final byte[] deviceKey;
    private final byte[] nonce;
    private final Instant expiresAt;

    private LinkRequest(DeviceId deviceId, byte[] deviceKey, byte[] nonce, Instant expiresAt) {
        this.deviceId = deviceId;
        this.deviceKey = deviceKey;
        this.nonce = nonce;
        this.expiresAt = expiresAt;
    }

    /** A new request for {@code device}, valid for {@code ttl} (at most {@link #MAX_TTL}) from now. */
    public static LinkRequest create(
            DeviceKeyPair device, DeviceId deviceId, Clock clock, Duration ttl, SecureRandom random) {
        if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(MAX_TTL) > 0) {
            throw new IllegalArgumentException("link code lifetime must be in (0, " + MAX_TTL + "], got " + ttl);
        }
        byte[] nonce = new byte[NONCE_LENGTH];
        random.nextBytes(nonce);
        Instant expires = clock.instant().plus(ttl).truncatedTo(ChronoUnit.SECONDS);
        return new LinkRequest(deviceId, device.publicKeyBytes(), nonce, expires);
    }

    /**
     * Parses a link code.
     *
     * @throws InvalidLinkRequestException with {@code MALFORMED}
     */
    public static LinkRequest parse(String code) throws InvalidLinkRequestException {
        Objects.requireNonNull(code, "code");
        String text = code.strip();
        if (!text.toUpperCase(Locale.ROOT).startsWith(PREFIX)) {
            throw malformed("a link code starts with " + PREFIX);
        }
        Optional<byte[]> bytes =
                Base32Text.decodeLower(text.substring(PREFIX.length()).toLowerCase(Locale.ROOT));
        if (bytes.isEmpty()) {
            throw malformed("a link code is base32 after its prefix");
        }
        try {
            CanonicalMap m = CanonicalMap.decode(bytes.get(), KEYS);
            if (m.requireLong(K_VERSION) != 1) {
                throw malformed("unknown link code version " + m.requireLong(K_VERSION));
            }
            DeviceId deviceId = DeviceCertificate.deviceId(m.requireLong(K_DEVICE_ID));
            byte[] key = m.requireBytes(K_DEVICE_KEY, 32);
            Optional<String> problem = Curve25519Keys.problem(key);
            if (problem.isPresent()) {
                throw malformed("device key: " + problem.get());
            }
            byte[] nonce = m.requireBytes(K_NONCE, NONCE_LENGTH);
            Instant expires = Instant.ofEpochSecond(m.requireLong(K_EXPIRES));
            return new LinkRequest(deviceId, key, nonce, expires);
        } catch (CanonicalMap.MalformedException | java.time.DateTimeException e) {
            throw malformed(e.getMessage());
        }
    }

    private static InvalidLinkRequestException malformed(String detail) {
        return new InvalidLinkRequestException(
                InvalidLinkRequestException.Reason.MALFORMED, "not a NexusLink link code: " + detail);
    }

    /**
     * Checks that the request may be approved now with {@code deviceId} free in the account.
     *
     * @throws InvalidLinkRequestException with {@code EXPIRED}, {@code TOO_LONG_LIVED} or
     *     {@code DEVICE_ID_TAKEN}
     */
    void checkApprovable(Clock clock, Set<DeviceId> taken) throws InvalidLinkRequestException {
        Instant now = clock.instant();
        if (!now.isBefore(expiresAt)) {
            throw new InvalidLinkRequestException(
                    InvalidLinkRequestException.Reason.EXPIRED,
                    "link code expired at " + expiresAt + "; show a fresh code on the new device");
        }
        if (expiresAt.isAfter(now.plus(MAX_TTL).plus(DeviceCertificate.MAX_CLOCK_SKEW))) {
            throw new InvalidLinkRequestException(
                    InvalidLinkRequestException.Reason.TOO_LONG_LIVED,
                    "link code claims to be valid until " + expiresAt + ", longer than " + MAX_TTL);
        }
        if (taken.contains(deviceId)) {
            throw new InvalidLinkRequestException(
                    InvalidLinkRequestException.Reason.DEVICE_ID_TAKEN,
                    "device id " + deviceId + " is already used in this account; show a fresh code on the new device");
        }
    }

    /** The text form for a QR code or for typing. */
    public String toCode() {
        CanonicalMap m = new CanonicalMap()
                .put(K_VERSION, 1)
                .put(K_DEVICE_ID, deviceId.value())
                .put(K_DEVICE_KEY, deviceKey)
                .put(K_NONCE, nonce)
                .put(K_EXPIRES, expiresAt.getEpochSecond());
        return PREFIX + Base32Text.upper(m.encode());
    }

    public DeviceId deviceId() {
        return deviceId;
    }

    public byte[] devicePublicKeyBytes() {
        return deviceKey.clone();
    }

    /** The one-time nonce: an approving device remembers it to refuse a second approval. */
    public byte[] nonce() {
        return nonce.clone();
    }

    public Instant expiresAt() {
        return expiresAt;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LinkRequest other
                && deviceId.equals(other.deviceId)
                && Arrays.equals(deviceKey, other.deviceKey)
                && Arrays.equals(nonce, other.nonce)
                && expiresAt.equals(other.expiresAt);
    }

    @Override
    public int hashCode() {
        return Objects.hash(deviceId, Arrays.hashCode(deviceKey), Arrays.hashCode(nonce), expiresAt);
    }

    @Override
    public String toString() {
        return "LinkRequest[device=" + deviceId + ", expires=" + expiresAt + "]";
    }
}
