// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.crypto.identity;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.nexuslink.crypto.internal.Curve25519Keys;
import org.signal.libsignal.protocol.IdentityKey;
import org.signal.libsignal.protocol.IdentityKeyPair;
import org.signal.libsignal.protocol.InvalidKeyException;
import org.signal.libsignal.protocol.ecc.ECPrivateKey;
import org.signal.libsignal.protocol.ecc.ECPublicKey;

/**
 * The account identity key pair (IK): a libsignal Curve25519 identity whose public half is the
 * {@link AccountId}, and which certifies and revokes the account's devices.
 *
 * <p>From a mnemonic the key is derived as: BIP-0039 seed (PBKDF2-HMAC-SHA512, 2048 iterations,
 * empty BIP-0039 passphrase), then HKDF-SHA256 with an empty salt and info {@link #DERIVATION_INFO}
 * to 32 bytes, then those bytes as a Curve25519 private scalar, clamped by libsignal as RFC 7748
 * says. Holds a private key: {@link #toString()} shows only the id. Immutable and thread-safe.
 */
public final class AccountIdentity {
    /** HKDF info string: the domain separation of the identity derivation. */
    public static final String DERIVATION_INFO = "nexuslink/identity/v1";

    private final IdentityKeyPair keyPair;
    private final AccountId accountId;

    private AccountIdentity(IdentityKeyPair keyPair) {
        this.keyPair = keyPair;
        this.accountId = AccountId.of(keyPair.getPublicKey());
    }

    /** The identity a mnemonic stands for; the same words always give the same identity. */
    public static AccountIdentity fromMnemonic(Mnemonic mnemonic) {
        byte[] seed = mnemonic.seed();
        byte[] scalar = new byte[32];
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
        hkdf.init(new HKDFParameters(seed, null, DERIVATION_INFO.getBytes(StandardCharsets.US_ASCII)));
        hkdf.generateBytes(scalar, 0, scalar.length);
        Arrays.fill(seed, (byte) 0);
        try {
            return fromPrivateKeyBytes(scalar);
        } finally {
            Arrays.fill(scalar, (byte) 0);
        }
    }

    /** A fresh identity with no mnemonic (it cannot be restored from words). */
    public static AccountIdentity generate() {
        return new AccountIdentity(IdentityKeyPair.generate());
    }

    /**
     * The identity of a stored 32-byte private key.
     *
     * @throws IllegalArgumentException if the bytes are not a Curve25519 private key
     */
    public static AccountIdentity fromPrivateKeyBytes(byte[] privateKey) {
        Objects.requireNonNull(privateKey, "privateKey");
        try {
            ECPrivateKey key = new ECPrivateKey(privateKey);
            return new AccountIdentity(new IdentityKeyPair(new IdentityKey(key.publicKey()), key));
        } catch (InvalidKeyException e) {
            throw new IllegalArgumentException("not a Curve25519 private key", e);
        }
    }

    public AccountId accountId() {
        return accountId;
    }

    /** The libsignal identity key pair, for sessions and fingerprints. */
    public IdentityKeyPair identityKeyPair() {
        return keyPair;
    }

    /** The 32-byte private key, for the keystore. */
    public byte[] privateKeyBytes() {
        return keyPair.getPrivateKey().serialize();
    }

    /**
     * Certifies a device key for this account.
     *
     * @param expiresAt empty for a certificate that lives until revoked
     * @throws IllegalArgumentException if the expiry is not after the creation time or the key is unusable
     */
    public DeviceCertificate certify(
            DeviceId deviceId, ECPublicKey deviceKey, Instant createdAt, Optional<Instant> expiresAt) {
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(deviceKey, "deviceKey");
        return DeviceCertificate.issue(accountId, keyPair.getPrivateKey(), deviceId, deviceKey, createdAt, expiresAt);
    }

    /**
     * Approves a new device's link code: checks that it is fresh and asks for a free device id,
     * then certifies its key as of {@code clock}'s now.
     *
     * @param taken the device ids the account already uses
     * @param validity how long the certificate lives, or empty until revoked
     * @throws InvalidLinkRequestException if the code has expired, claims too long a life, or its id is taken
     */
    public DeviceCertificate approveLink(
            LinkRequest request, Clock clock, Set<DeviceId> taken, Optional<Duration> validity)
            throws InvalidLinkRequestException {
        request.checkApprovable(clock, taken);
        Instant now = clock.instant();
        return certify(
                request.deviceId(),
                Curve25519Keys.toPublicKey(request.devicePublicKeyBytes()),
                now,
                validity.map(now::plus));
    }

    /** Revokes a certified device; the statement covers every certificate of that device key. */
    public DeviceRevocation revoke(DeviceCertificate certificate, Instant revokedAt) {
        if (!certificate.accountId().equals(accountId)) {
            throw new IllegalArgumentException(
                    "certificate belongs to " + certificate.accountId() + ", not " + accountId);
        }
        return DeviceRevocation.issue(
                accountId,
                keyPair.getPrivateKey(),
                certificate.deviceId(),
                certificate.devicePublicKeyBytes(),
                revokedAt);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AccountIdentity other && accountId.equals(other.accountId);
    }

    @Override
    public int hashCode() {
        return accountId.hashCode();
    }

    @Override
    public String toString() {
        return "AccountIdentity[" + accountId + ", private key redacted]";
    }
}
