// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.p2p;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.crypto.identity.DeviceCertificate;
import org.nexuslink.crypto.identity.DeviceKeyPair;
import org.nexuslink.crypto.identity.DeviceRevocation;
import org.nexuslink.crypto.identity.InvalidCertificateException;
import org.nexuslink.p2p.internal.wire.ProtobufReader;
import org.nexuslink.p2p.internal.wire.ProtobufWriter;

/**
 * A device's statement "this PeerId is mine", signed with its certified device key, carried with
 * the device certificate: together they prove a libp2p peer belongs to an {@code nxl:} account
 * (account identity key -> device certificate -> device key -> PeerId).
 *
 * <p>Encoding (protobuf): {@code 1} device certificate, {@code 2} PeerId multihash, {@code 3}
 * creation time (Unix seconds), {@code 4} XEdDSA signature by the device key over
 * {@code "nexuslink/p2p-peer-binding/v1" 0x00} followed by the protobuf of fields 2, 3 and
 * {@code 5} the account identity key, {@code 6} the device id. The domain label keeps the
 * signature from ever verifying as another NexusLink statement. Immutable and thread-safe.
 */
public final class PeerBinding {
    public static final String DOMAIN = "nexuslink/p2p-peer-binding/v1";
    private static final int MAX_SIZE = 4096;
    /** 9999-12-31T23:59:59Z: later times are malformed, not merely far off. */
    private static final long MAX_EPOCH_SECOND = 253_402_300_799L;

    private final byte[] certificate;
    private final PeerId peerId;
    private final Instant createdAt;
    private final byte[] signature;

    private PeerBinding(byte[] certificate, PeerId peerId, Instant createdAt, byte[] signature) {
        this.certificate = certificate;
        this.peerId = peerId;
        this.createdAt = createdAt;
        this.signature = signature;
    }

    /**
     * Binds {@code peerId} to the account of {@code certificate}.
     *
     * @param deviceKey the certified device's key pair; must be the key {@code certificate} names
     */
    public static PeerBinding issue(
            DeviceKeyPair deviceKey, DeviceCertificate certificate, PeerId peerId, Instant now) {
        Objects.requireNonNull(peerId);
        if (!Arrays.equals(deviceKey.publicKeyBytes(), certificate.devicePublicKeyBytes())) {
            throw new IllegalArgumentException("the device key is not the one the certificate names");
        }
        Instant created = now.truncatedTo(ChronoUnit.SECONDS);
        byte[] signed = signedBytes(peerId, created, certificate);
        byte[] signature = deviceKey.privateKey().calculateSignature(signed);
        return new PeerBinding(certificate.encoded(), peerId, created, signature);
    }

    /**
     * Decodes a binding; nothing in it is trusted until {@link #verify} passes.
     *
     * @throws InvalidBindingException with {@code MALFORMED}
     */
    public static PeerBinding decode(byte[] encoded) throws InvalidBindingException {
        if (encoded.length > MAX_SIZE) {
            throw new InvalidBindingException(InvalidBindingException.Reason.MALFORMED, "peer binding too large");
        }
        byte[] certificate = null;
        PeerId peer = null;
        Long created = null;
        byte[] signature = null;
        try {
            ProtobufReader r = new ProtobufReader(encoded);
            while (r.next()) {
                switch (r.field()) {
                    case 1 -> certificate = r.bytes();
                    case 2 -> peer = PeerId.fromBytes(r.bytes());
                    case 3 -> created = r.varint();
                    case 4 -> signature = r.bytes();
                    default -> throw new MalformedDataException("unexpected field " + r.field() + " in a peer binding");
                }
            }
        } catch (MalformedDataException e) {
            throw new InvalidBindingException(InvalidBindingException.Reason.MALFORMED, e.getMessage(), e);
        }
        if (certificate == null || peer == null || created == null || signature == null) {
            throw new InvalidBindingException(
                    InvalidBindingException.Reason.MALFORMED,
                    "a peer binding needs a certificate, a PeerId, a time and a signature");
        }
        if (created < 0 || created > MAX_EPOCH_SECOND) {
            throw new InvalidBindingException(
                    InvalidBindingException.Reason.MALFORMED, "peer binding time out of range: " + created);
        }
        return new PeerBinding(certificate, peer, Instant.ofEpochSecond(created), signature);
    }

    public byte[] encoded() {
        return new ProtobufWriter()
                .bytes(1, certificate)
                .bytes(2, peerId.toBytes())
                .varint(3, createdAt.getEpochSecond())
                .bytes(4, signature)
                .toByteArray();
    }

    /** The PeerId this binding claims; untrusted until {@link #verify} passes. */
    public PeerId peerId() {
        return peerId;
    }

    /**
     * Checks that this binding proves {@code authenticatedPeer} (the PeerId the Noise handshake
     * authenticated) belongs to {@code account}, with no revocation in {@code revocations}.
     *
     * @return the verified device certificate
     * @throws InvalidBindingException naming the first check that failed
     */
    public DeviceCertificate verify(
            AccountId account, PeerId authenticatedPeer, Clock clock, Collection<DeviceRevocation> revocations)
            throws InvalidBindingException {
        DeviceCertificate cert;
        try {
            cert = DeviceCertificate.decodeUnverified(certificate);
            cert.verify(account, clock, revocations);
        } catch (InvalidCertificateException e) {
            throw new InvalidBindingException(
                    InvalidBindingException.Reason.CERTIFICATE,
                    "device certificate not valid for " + account + ": " + e.getMessage(),
                    e);
        }
        if (!peerId.equals(authenticatedPeer)) {
            throw new InvalidBindingException(
                    InvalidBindingException.Reason.WRONG_PEER,
                    "binding names " + peerId + " but the peer is " + authenticatedPeer);
        }
        if (createdAt.isAfter(clock.instant().plus(DeviceCertificate.MAX_CLOCK_SKEW))) {
            throw new InvalidBindingException(
                    InvalidBindingException.Reason.FROM_THE_FUTURE,
                    "binding created at " + createdAt + ", ahead of this clock");
        }
        if (signature.length != 64
                || !cert.devicePublicKey().verifySignature(signedBytes(peerId, createdAt, cert), signature)) {
            throw new InvalidBindingException(
                    InvalidBindingException.Reason.SIGNATURE, "the certified device key did not sign this binding");
        }
        return cert;
    }

    /** {@link #verify(AccountId, PeerId, Clock, Collection)} with no known revocations. */
    public DeviceCertificate verify(AccountId account, PeerId authenticatedPeer, Clock clock)
            throws InvalidBindingException {
        return verify(account, authenticatedPeer, clock, List.of());
    }

    private static byte[] signedBytes(PeerId peerId, Instant created, DeviceCertificate cert) {
        byte[] body = new ProtobufWriter()
                .bytes(2, peerId.toBytes())
                .varint(3, created.getEpochSecond())
                .bytes(5, cert.accountId().publicKeyBytes())
                .varint(6, cert.deviceId().value())
                .toByteArray();
        byte[] label = DOMAIN.getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[label.length + 1 + body.length];
        System.arraycopy(label, 0, out, 0, label.length);
        System.arraycopy(body, 0, out, label.length + 1, body.length);
        return out;
    }

    @Override
    public String toString() {
        return "PeerBinding[" + peerId + " at " + createdAt + "]";
    }
}
