// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.p2p;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.nexuslink.p2p.internal.wire.ProtobufReader;
import org.nexuslink.p2p.internal.wire.ProtobufWriter;

/**
 * A device's libp2p identity: an Ed25519 key pair. Its public half names the node
 * ({@link #peerId()}) and signs the Noise handshake payload.
 *
 * <p>Holds a private key: {@link #toString()} shows only the PeerId. Immutable and thread-safe.
 */
public final class PeerKeyPair {
    private final Ed25519PrivateKeyParameters privateKey;
    private final PeerPublicKey publicKey;

    private PeerKeyPair(Ed25519PrivateKeyParameters privateKey) {
        this.privateKey = privateKey;
        this.publicKey = PeerPublicKey.ed25519(privateKey.generatePublicKey().getEncoded());
    }

    public static PeerKeyPair generate(SecureRandom random) {
        return new PeerKeyPair(new Ed25519PrivateKeyParameters(Objects.requireNonNull(random)));
    }

    /** The key pair of a 32-byte Ed25519 seed (RFC 8032's private key). */
    public static PeerKeyPair fromSeed(byte[] seed) {
        if (seed.length != Ed25519PrivateKeyParameters.KEY_SIZE) {
            throw new MalformedDataException("an Ed25519 seed is 32 bytes, not " + seed.length);
        }
        return new PeerKeyPair(new Ed25519PrivateKeyParameters(seed, 0));
    }

    /**
     * Decodes the peer-ids spec's {@code PrivateKey} protobuf; for Ed25519 its data is the seed
     * followed by the public key (64 bytes), and the public half must match the seed.
     *
     * @throws MalformedDataException on anything but a consistent Ed25519 private key
     */
    public static PeerKeyPair decodePrivateKey(byte[] encoded) {
        ProtobufReader reader = new ProtobufReader(encoded);
        long type = -1;
        byte[] data = null;
        while (reader.next()) {
            switch (reader.field()) {
                case 1 -> type = reader.varint();
                case 2 -> data = reader.bytes();
                default -> throw new MalformedDataException("unexpected field " + reader.field() + " in a private key");
            }
        }
        if (type != KeyType.ED25519.number() || data == null || data.length != 64) {
            throw new MalformedDataException("not an Ed25519 private key");
        }
        PeerKeyPair pair = fromSeed(Arrays.copyOf(data, 32));
        if (!Arrays.equals(pair.publicKey.raw(), Arrays.copyOfRange(data, 32, 64))) {
            throw new MalformedDataException("Ed25519 private key's public half does not match its seed");
        }
        return pair;
    }

    /** The {@code PrivateKey} protobuf (type Ed25519, data = seed || public key). Secret. */
    public byte[] encodedPrivateKey() {
        byte[] data = new byte[64];
        privateKey.encode(data, 0);
        System.arraycopy(publicKey.raw(), 0, data, 32, 32);
        return new ProtobufWriter()
                .varint(1, KeyType.ED25519.number())
                .bytes(2, data)
                .toByteArray();
    }

    public PeerPublicKey publicKey() {
        return publicKey;
    }

    public PeerId peerId() {
        return publicKey.peerId();
    }

    /** An Ed25519 signature of {@code message}. */
    public byte[] sign(byte[] message) {
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, privateKey);
        signer.update(message, 0, message.length);
        return signer.generateSignature();
    }

    @Override
    public String toString() {
        return "PeerKeyPair[" + peerId() + ", private=redacted]";
    }
}
