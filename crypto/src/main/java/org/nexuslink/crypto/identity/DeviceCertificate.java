// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.crypto.identity;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.nexuslink.crypto.internal.CanonicalMap;
import org.nexuslink.crypto.internal.Curve25519Keys;
import org.nexuslink.crypto.internal.DomainSignature;
import org.signal.libsignal.protocol.ecc.ECPrivateKey;
import org.signal.libsignal.protocol.ecc.ECPublicKey;

/**
 * The account identity key's statement that a device key belongs to the account (cross-signing).
 *
 * <p>Encoded as a canonical MsgPack map with integer keys: {@code 0} version (1), {@code 1}
 * account identity key (32 raw bytes), {@code 2} device id, {@code 3} device public key (32 raw
 * bytes), {@code 4} creation time and {@code 5} optional expiry (Unix seconds), {@code 15} the
 * XEdDSA signature by the identity key over {@code "nexuslink/device-certificate/v1" 0x00} and
 * the canonical encoding of keys 0 to 5. docs/identity.md gives the byte layout.
 *
 * <p>Immutable and thread-safe. Instances from {@link #decodeUnverified} are not trusted until
 * {@link #verify} passes.
 */
public final class DeviceCertificate {
    /** The only format version so far. */
    public static final int VERSION = 1;
    /** Signature domain label. */
    public static final String DOMAIN = "nexuslink/device-certificate/v1";
    /** How far a creation time may lie ahead of the verifier's clock. */
    public static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);

    static final int K_VERSION = 0;
    static final int K_ACCOUNT = 1;
    static final int K_DEVICE_ID = 2;
    static final int K_DEVICE_KEY = 3;
    static final int K_CREATED = 4;
    static final int K_EXPIRES = 5;
    static final int K_SIGNATURE = 15;
    private static final Set<Integer> KEYS =
            Set.of(K_VERSION, K_ACCOUNT, K_DEVICE_ID, K_DEVICE_KEY, K_CREATED, K_EXPIRES, K_SIGNATURE);

    private final AccountId accountId;
    private final DeviceId deviceId;
    private final byte[] deviceKey;
    private final Instant createdAt;
    private final Optional<Instant> expiresAt;
    private final byte[] signature;
    private final byte[] encoded;

    private DeviceCertificate(
            AccountId accountId,
            DeviceId deviceId,
            byte[] deviceKey,
            Instant createdAt,
            Optional<Instant> expiresAt,
            byte[] signature,
            byte[] encoded) {
        this.accountId = accountId;
        this.deviceId = deviceId;
        this.deviceKey = deviceKey;
        this.createdAt = createdAt;
        this.expiresAt = expiresAt;
        this.signature = signature;
        this.encoded = encoded;
    }

    /** Signs a new certificate; times are truncated to whole seconds. */
    static DeviceCertificate issue(
            AccountId accountId,
            ECPrivateKey identityKey,
            DeviceId deviceId,
            ECPublicKey deviceKey,
            Instant createdAt,
            Optional<Instant> expiresAt) {
        Instant created = createdAt.truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        Optional<Instant> expires = expiresAt.map(t -> t.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        if (expires.isPresent() && !expires.get().isAfter(created)) {
            throw new IllegalArgumentException(
                    "a certificate must expire after it is created: created " + created + ", expires " + expires.get());
        }
        byte[] rawDeviceKey = deviceKey.getPublicKeyBytes();
        Curve25519Keys.problem(rawDeviceKey).ifPresent(p -> {
            throw new IllegalArgumentException("device key: " + p);
        });
        CanonicalMap body = body(accountId, deviceId, rawDeviceKey, created, expires);
        byte[] signature = DomainSignature.sign(identityKey, DOMAIN, body.encode());
        byte[] encoded = body.put(K_SIGNATURE, signature).encode();
        return new DeviceCertificate(accountId, deviceId, rawDeviceKey, created, expires, signature, encoded);
    }

    private static CanonicalMap body(
            AccountId accountId, DeviceId deviceId, byte[] deviceKey, Instant created, Optional<Instant> expires) {
        CanonicalMap m = new CanonicalMap()
                .put(K_VERSION, VERSION)
                .put(K_ACCOUNT, accountId.publicKeyBytes())
                .put(K_DEVICE_ID, deviceId.value())
                .put(K_DEVICE_KEY, deviceKey)
                .put(K_CREATED, created.getEpochSecond());
        expires.ifPresent(t -> m.put(K_EXPIRES, t.getEpochSecond()));
        return m;
    }

    /**
     * Parses the encoding without checking the signature or times: use {@link #verify} before
     * trusting anything in it.
     *
     * @throws InvalidCertificateException with {@code MALFORMED} or {@code UNSUPPORTED_VERSION}
     */
    public static DeviceCertificate decodeUnverified(byte[] encoded) throws InvalidCertificateException {
        Objects.requireNonNull(encoded, "encoded");
        try {
            CanonicalMap m = CanonicalMap.decode(encoded, KEYS);
            long version = m.requireLong(K_VERSION);
            if (version != VERSION) {
                throw new InvalidCertificateException(
                        InvalidCertificateException.Reason.UNSUPPORTED_VERSION,
                        "device certificate version " + version + " is not supported (expected " + VERSION + ")");
            }
            AccountId account = AccountId.fromPublicKeyBytes(m.requireBytes(K_ACCOUNT, 32));
            DeviceId deviceId = deviceId(m.requireLong(K_DEVICE_ID));
            byte[] deviceKey = m.requireBytes(K_DEVICE_KEY, 32);
            Optional<String> keyProblem = Curve25519Keys.problem(deviceKey);
            if (keyProblem.isPresent()) {
                throw new CanonicalMap.MalformedException("device key: " + keyProblem.get());
            }
            Instant created = Instant.ofEpochSecond(m.requireLong(K_CREATED));
            Optional<Instant> expires = m.optionalLong(K_EXPIRES).map(Instant::ofEpochSecond);
            if (expires.isPresent() && !expires.get().isAfter(created)) {
                throw new CanonicalMap.MalformedException("expiry is not after creation");
            }
            byte[] signature = m.requireBytes(K_SIGNATURE, DomainSignature.LENGTH);
            return new DeviceCertificate(account, deviceId, deviceKey, created, expires, signature, encoded.clone());
        } catch (CanonicalMap.MalformedException | InvalidAccountIdException | java.time.DateTimeException e) {
            throw new InvalidCertificateException(
                    InvalidCertificateException.Reason.MALFORMED, "malformed device certificate: " + e.getMessage());
        }
    }

    static DeviceId deviceId(long value) throws CanonicalMap.MalformedException {
        if (value < DeviceId.MIN || value > DeviceId.MAX) {
            throw new CanonicalMap.MalformedException("device id " + value + " is outside 1..127");
        }
        return new DeviceId((int) value);
    }

    /**
     * Decodes and verifies in one step: the certificate is returned only if it is well formed,
     * issued by {@code account}, correctly signed, and valid at {@code clock}'s now.
     *
     * @throws InvalidCertificateException naming the first check that failed
     */
    public static DeviceCertificate verify(byte[] encoded, AccountId account, Clock clock)
            throws InvalidCertificateException {
        DeviceCertificate c = decodeUnverified(encoded);
        c.verify(account, clock);
        return c;
    }

    /**
     * Checks issuer, signature and validity period.
     *
     * @throws InvalidCertificateException with {@code WRONG_ACCOUNT}, {@code BAD_SIGNATURE},
     *     {@code NOT_YET_VALID} or {@code EXPIRED}
     */
    public void verify(AccountId account, Clock clock) throws InvalidCertificateException {
        Objects.requireNonNull(account, "account");
        Instant now = clock.instant();
        if (!accountId.equals(account)) {
            throw new InvalidCertificateException(
                    InvalidCertificateException.Reason.WRONG_ACCOUNT,
                    "device certificate was issued by " + accountId + ", expected " + account);
        }
        byte[] body = body(accountId, deviceId, deviceKey, createdAt, expiresAt).encode();
        if (!DomainSignature.verify(account.publicKey(), DOMAIN, body, signature)) {
            throw new InvalidCertificateException(
                    InvalidCertificateException.Reason.BAD_SIGNATURE,
                    "device certificate signature does not verify under " + account);
        }
        if (createdAt.isAfter(now.plus(MAX_CLOCK_SKEW))) {
            throw new InvalidCertificateException(
                    InvalidCertificateException.Reason.NOT_YET_VALID,
                    "device certificate is created at " + createdAt + ", in the future of " + now);
        }
        if (expiresAt.isPresent() && !now.isBefore(expiresAt.get())) {
            throw new InvalidCertificateException(
                    InvalidCertificateException.Reason.EXPIRED,
                    "device certificate expired at " + expiresAt.get() + " (now " + now + ")");
        }
    }

    /**
     * As {@link #verify(AccountId, Clock)}, and also rejects the certificate if one of the
     * revocations is valid for {@code account} and covers this device key.
     *
     * @throws InvalidCertificateException with {@code REVOKED} in that case
     */
    public void verify(AccountId account, Clock clock, Collection<DeviceRevocation> revocations)
            throws InvalidCertificateException {
        verify(account, clock);
        for (DeviceRevocation r : revocations) {
            if (r.covers(this) && r.isValidFor(account)) {
                throw new InvalidCertificateException(
                        InvalidCertificateException.Reason.REVOKED,
                        "device " + deviceId + " of " + account + " was revoked at " + r.revokedAt());
            }
        }
    }

    /**
     * Whether {@code signature} is this certificate's device key's signature over {@code domain},
     * a zero byte and {@code message} (see {@link DeviceKeyPair#sign}). Checks the signature only:
     * call {@link #verify(AccountId, Clock)} for the certificate itself.
     */
    public boolean verifySignature(String domain, byte[] message, byte[] signature) {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(signature, "signature");
        return DomainSignature.verify(devicePublicKey(), domain, message, signature);
    }

    public AccountId accountId() {
        return accountId;
    }

    public DeviceId deviceId() {
        return deviceId;
    }

    /** The certified device key as libsignal's public key. */
    public ECPublicKey devicePublicKey() {
        return Curve25519Keys.toPublicKey(deviceKey);
    }

    /** The raw 32-byte device key. */
    public byte[] devicePublicKeyBytes() {
        return deviceKey.clone();
    }

    public Instant createdAt() {
        return createdAt;
    }

    public Optional<Instant> expiresAt() {
        return expiresAt;
    }

    /** The canonical encoding, as stored and sent. */
    public byte[] encoded() {
        return encoded.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DeviceCertificate other && Arrays.equals(encoded, other.encoded);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(encoded);
    }

    @Override
    public String toString() {
        return "DeviceCertificate[account=" + accountId + ", device=" + deviceId + ", created=" + createdAt
                + expiresAt.map(t -> ", expires=" + t).orElse("") + "]";
    }
}
