// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.crypto.identity;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Objects;
import java.util.Set;
import org.nexuslink.crypto.internal.CanonicalMap;
import org.nexuslink.crypto.internal.Curve25519Keys;
import org.nexuslink.crypto.internal.DomainSignature;
import org.signal.libsignal.protocol.ecc.ECPrivateKey;

/**
 * The account identity key's statement that a device key no longer belongs to the account. It
 * covers every certificate of the same account, device id and device key, whenever issued.
 *
 * <p>Encoded as a canonical MsgPack map: {@code 0} version (1), {@code 1} account identity key,
 * {@code 2} device id, {@code 3} device public key, {@code 4} revocation time (Unix seconds),
 * {@code 15} XEdDSA signature over {@code "nexuslink/device-revocation/v1" 0x00} and keys 0 to 4.
 * Immutable and thread-safe.
 */
public final class DeviceRevocation {
    public static final int VERSION = 1;
    public static final String DOMAIN = "nexuslink/device-revocation/v1";
    private static final int K_VERSION = 0;
    private static final int K_ACCOUNT = 1;
    private static final int K_DEVICE_ID = 2;
    private static final int K_DEVICE_KEY = 3;
    private static final int K_REVOKED = 4;
    private static final int K_SIGNATURE = 15;
    private static final Set<Integer> KEYS =
            Set.of(K_VERSION, K_ACCOUNT, K_DEVICE_ID, K_DEVICE_KEY, K_REVOKED, K_SIGNATURE);

    private final AccountId accountId;
    private final DeviceId deviceId;
    private final byte[] deviceKey;
    private final Instant revokedAt;
    private final byte[] signature;
    private final byte[] encoded;

    private DeviceRevocation(
            AccountId accountId,
            DeviceId deviceId,
            byte[] deviceKey,
            Instant revokedAt,
            byte[] signature,
            byte[] encoded) {
        this.accountId = accountId;
        this.deviceId = deviceId;
        this.deviceKey = deviceKey;
        this.revokedAt = revokedAt;
        this.signature = signature;
        this.encoded = encoded;
    }

    static DeviceRevocation issue(
            AccountId accountId, ECPrivateKey identityKey, DeviceId deviceId, byte[] deviceKey, Instant revokedAt) {
        Instant at = revokedAt.truncatedTo(ChronoUnit.SECONDS);
        CanonicalMap body = body(accountId, deviceId, deviceKey, at);
        byte[] signature = DomainSignature.sign(identityKey, DOMAIN, body.encode());
        return new DeviceRevocation(
                accountId,
                deviceId,
                deviceKey.clone(),
                at,
                signature,
                body.put(K_SIGNATURE, signature).encode());
    }

    private static CanonicalMap body(AccountId accountId, DeviceId deviceId, byte[] deviceKey, Instant at) {
        return new CanonicalMap()
                .put(K_VERSION, VERSION)
                .put(K_ACCOUNT, accountId.publicKeyBytes())
                .put(K_DEVICE_ID, deviceId.value())
                .put(K_DEVICE_KEY, deviceKey)
                .put(K_REVOKED, at.getEpochSecond());
    }

    /**
     * Decodes and verifies a revocation issued by {@code account}.
     *
     * @throws InvalidCertificateException with {@code MALFORMED}, {@code UNSUPPORTED_VERSION},
     *     {@code WRONG_ACCOUNT} or {@code BAD_SIGNATURE}
     */
    public static DeviceRevocation verify(byte[] encoded, AccountId account) throws InvalidCertificateException {
        Objects.requireNonNull(encoded, "encoded");
        Objects.requireNonNull(account, "account");
        DeviceRevocation r;
        try {
            CanonicalMap m = CanonicalMap.decode(encoded, KEYS);
            long version = m.requireLong(K_VERSION);
            if (version != VERSION) {
                throw new InvalidCertificateException(
                        InvalidCertificateException.Reason.UNSUPPORTED_VERSION,
                        "device revocation version " + version + " is not supported (expected " + VERSION + ")");
            }
            AccountId issuer = AccountId.fromPublicKeyBytes(m.requireBytes(K_ACCOUNT, 32));
            DeviceId deviceId = DeviceCertificate.deviceId(m.requireLong(K_DEVICE_ID));
            byte[] deviceKey = m.requireBytes(K_DEVICE_KEY, 32);
            if (Curve25519Keys.problem(deviceKey).isPresent()) {
                throw new CanonicalMap.MalformedException("device key is not a usable public key");
            }
            Instant at = Instant.ofEpochSecond(m.requireLong(K_REVOKED));
            byte[] signature = m.requireBytes(K_SIGNATURE, DomainSignature.LENGTH);
            r = new DeviceRevocation(issuer, deviceId, deviceKey, at, signature, encoded.clone());
        } catch (CanonicalMap.MalformedException | InvalidAccountIdException | java.time.DateTimeException e) {
            throw new InvalidCertificateException(
                    InvalidCertificateException.Reason.MALFORMED, "malformed device revocation: " + e.getMessage());
        }
        if (!r.accountId.equals(account)) {
            throw new InvalidCertificateException(
                    InvalidCertificateException.Reason.WRONG_ACCOUNT,
                    "device revocation was issued by " + r.accountId + ", expected " + account);
        }
        if (!r.isValidFor(account)) {
            throw new InvalidCertificateException(
                    InvalidCertificateException.Reason.BAD_SIGNATURE,
                    "device revocation signature does not verify under " + account);
        }
        return r;
    }

    /** Whether this revocation was issued by {@code account} and its signature verifies. */
    public boolean isValidFor(AccountId account) {
        return accountId.equals(account)
                && DomainSignature.verify(
                        account.publicKey(),
                        DOMAIN,
                        body(accountId, deviceId, deviceKey, revokedAt).encode(),
                        signature);
    }

    /** Whether this revocation names the certificate's account, device id and device key. */
    public boolean covers(DeviceCertificate certificate) {
        return accountId.equals(certificate.accountId())
                && deviceId.equals(certificate.deviceId())
                && Arrays.equals(deviceKey, certificate.devicePublicKeyBytes());
    }

    public AccountId accountId() {
        return accountId;
    }

    public DeviceId deviceId() {
        return deviceId;
    }

    public byte[] devicePublicKeyBytes() {
        return deviceKey.clone();
    }

    public Instant revokedAt() {
        return revokedAt;
    }

    public byte[] encoded() {
        return encoded.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DeviceRevocation other && Arrays.equals(encoded, other.encoded);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(encoded);
    }

    @Override
    public String toString() {
        return "DeviceRevocation[account=" + accountId + ", device=" + deviceId + ", revoked=" + revokedAt + "]";
    }
}
