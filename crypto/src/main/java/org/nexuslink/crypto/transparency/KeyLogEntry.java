// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.crypto.transparency;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.crypto.identity.DeviceCertificate;
import org.nexuslink.crypto.identity.DeviceId;
import org.nexuslink.crypto.identity.DeviceRevocation;
import org.nexuslink.crypto.identity.InvalidAccountIdException;
import org.nexuslink.crypto.identity.InvalidCertificateException;
import org.nexuslink.crypto.internal.CanonicalMap;
import org.nexuslink.protocol.Bytes;

/**
 * One leaf of the key-transparency log: a change of an account's keys. Its encoding is the leaf
 * data that RFC 9162 hashes ({@code SHA-256(0x00 || encoding)}), a canonical MsgPack map with
 * integer keys: {@code 0} version (1), {@code 1} type, {@code 2} account identity key (32 raw
 * bytes), {@code 3} time (Unix seconds), and by type {@code 4} device id, {@code 5} device key,
 * {@code 6} device certificate, {@code 7} signed device revocation. docs/key-transparency.md
 * gives the layout. Immutable and thread-safe.
 */
public sealed interface KeyLogEntry {
    int VERSION = 1;

    AccountId account();

    Instant at();

    /** The canonical encoding: the leaf data. */
    byte[] encode();

    /** The RFC 9162 leaf hash of {@link #encode()}. */
    default TreeHash leafHash() {
        return TreeHash.leaf(encode());
    }

    /** Type 1: the account's identity key entered the log (the account joined this server). */
    record IdentityKey(AccountId account, Instant at) implements KeyLogEntry {
        public IdentityKey {
            Objects.requireNonNull(account, "account");
            at = seconds(at);
        }

        @Override
        public byte[] encode() {
            return header(this, TYPE_IDENTITY).encode();
        }
    }

    /**
     * Type 2: a device certificate, signed by the account identity key, was added. The
     * certificate's account is the entry's account.
     */
    record DeviceAdded(AccountId account, Instant at, Bytes certificate) implements KeyLogEntry {
        public DeviceAdded {
            Objects.requireNonNull(account, "account");
            at = seconds(at);
            Objects.requireNonNull(certificate, "certificate");
        }

        /** The entry for a certificate. */
        public static DeviceAdded of(DeviceCertificate certificate, Instant at) {
            return new DeviceAdded(certificate.accountId(), at, Bytes.of(certificate.encoded()));
        }

        /** The certificate, parsed (its signature is checked by {@link KeyLogEntry#decode}). */
        public DeviceCertificate parsedCertificate() {
            try {
                return DeviceCertificate.decodeUnverified(certificate.toByteArray());
            } catch (InvalidCertificateException e) {
                throw new IllegalStateException("entry holds a malformed certificate: " + e.getMessage(), e);
            }
        }

        @Override
        public byte[] encode() {
            return header(this, TYPE_DEVICE_ADDED)
                    .put(K_CERTIFICATE, certificate.toByteArray())
                    .encode();
        }
    }

    /**
     * Type 3: the device key of {@code device} was removed. {@code revocation} is the identity
     * key's signed {@link DeviceRevocation}; it is absent when a device removed itself.
     */
    record DeviceRemoved(AccountId account, Instant at, DeviceId device, Bytes deviceKey, Optional<Bytes> revocation)
            implements KeyLogEntry {
        public DeviceRemoved {
            Objects.requireNonNull(account, "account");
            at = seconds(at);
            Objects.requireNonNull(device, "device");
            Objects.requireNonNull(deviceKey, "deviceKey");
            Objects.requireNonNull(revocation, "revocation");
            if (deviceKey.length() != 32) {
                throw new IllegalArgumentException("a device key has 32 bytes, got " + deviceKey.length());
            }
        }

        @Override
        public byte[] encode() {
            CanonicalMap m = header(this, TYPE_DEVICE_REMOVED)
                    .put(K_DEVICE_ID, device.value())
                    .put(K_DEVICE_KEY, deviceKey.toByteArray());
            revocation.ifPresent(r -> m.put(K_REVOCATION, r.toByteArray()));
            return m.encode();
        }
    }

    int TYPE_IDENTITY = 1;
    int TYPE_DEVICE_ADDED = 2;
    int TYPE_DEVICE_REMOVED = 3;
    int K_VERSION = 0;
    int K_TYPE = 1;
    int K_ACCOUNT = 2;
    int K_TIME = 3;
    int K_DEVICE_ID = 4;
    int K_DEVICE_KEY = 5;
    int K_CERTIFICATE = 6;
    int K_REVOCATION = 7;

    private static Instant seconds(Instant at) {
        return Objects.requireNonNull(at, "at").truncatedTo(ChronoUnit.SECONDS);
    }

    private static CanonicalMap header(KeyLogEntry e, int type) {
        return new CanonicalMap()
                .put(K_VERSION, VERSION)
                .put(K_TYPE, type)
                .put(K_ACCOUNT, e.account().publicKeyBytes())
                .put(K_TIME, e.at().getEpochSecond());
    }

    /**
     * Parses a leaf and checks that it is well formed: canonical encoding, a valid account key,
     * and for devices a certificate or revocation that the account identity key signed, for the
     * same account, device id and key, valid at the entry's time.
     *
     * @throws InvalidProofException naming the first problem
     */
    static KeyLogEntry decode(byte[] data) throws InvalidProofException {
        Objects.requireNonNull(data, "data");
        try {
            CanonicalMap m = CanonicalMap.decode(
                    data,
                    Set.of(
                            K_VERSION,
                            K_TYPE,
                            K_ACCOUNT,
                            K_TIME,
                            K_DEVICE_ID,
                            K_DEVICE_KEY,
                            K_CERTIFICATE,
                            K_REVOCATION));
            long version = m.requireLong(K_VERSION);
            if (version != VERSION) {
                throw new InvalidProofException("log entry version " + version + " is not supported");
            }
            AccountId account = AccountId.fromPublicKeyBytes(m.requireBytes(K_ACCOUNT, 32));
            Instant at = Instant.ofEpochSecond(m.requireLong(K_TIME));
            long type = m.requireLong(K_TYPE);
            if (type == TYPE_IDENTITY) {
                only(m, Set.of());
                return new IdentityKey(account, at);
            }
            if (type == TYPE_DEVICE_ADDED) {
                only(m, Set.of(K_CERTIFICATE));
                byte[] cert = m.requireBytes(K_CERTIFICATE, -1);
                DeviceCertificate c = DeviceCertificate.decodeUnverified(cert);
                // Valid when it was logged: signed by the account, not created in the future of
                // the entry, not yet expired then.
                c.verify(account, Clock.fixed(at, ZoneOffset.UTC));
                return new DeviceAdded(account, at, Bytes.of(cert));
            }
            if (type == TYPE_DEVICE_REMOVED) {
                only(m, Set.of(K_DEVICE_ID, K_DEVICE_KEY, K_REVOCATION));
                long id = m.requireLong(K_DEVICE_ID);
                if (id < DeviceId.MIN || id > DeviceId.MAX) {
                    throw new InvalidProofException("log entry names device " + id + ", outside 1..127");
                }
                DeviceId device = new DeviceId((int) id);
                byte[] key = m.requireBytes(K_DEVICE_KEY, 32);
                Optional<Bytes> revocation = Optional.empty();
                if (m.has(K_REVOCATION)) {
                    byte[] r = m.requireBytes(K_REVOCATION, -1);
                    DeviceRevocation checked = DeviceRevocation.verify(r, account);
                    if (!checked.deviceId().equals(device) || !Arrays.equals(checked.devicePublicKeyBytes(), key)) {
                        throw new InvalidProofException("log entry's revocation names another device than " + device);
                    }
                    revocation = Optional.of(Bytes.of(r));
                }
                return new DeviceRemoved(account, at, device, Bytes.of(key), revocation);
            }
            throw new InvalidProofException("log entry type " + type + " is unknown");
        } catch (CanonicalMap.MalformedException | InvalidAccountIdException | DateTimeException e) {
            throw new InvalidProofException("malformed log entry: " + e.getMessage());
        } catch (InvalidCertificateException e) {
            throw new InvalidProofException("log entry's certificate does not verify: " + e.getMessage());
        }
    }

    private static void only(CanonicalMap m, Set<Integer> allowed) throws InvalidProofException {
        for (int k : new int[] {K_DEVICE_ID, K_DEVICE_KEY, K_CERTIFICATE, K_REVOCATION}) {
            if (m.has(k) && !allowed.contains(k)) {
                throw new InvalidProofException("log entry of this type must not carry key " + k);
            }
        }
    }
}
