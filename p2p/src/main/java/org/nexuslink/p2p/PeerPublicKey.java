// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.p2p;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.nexuslink.p2p.internal.wire.ProtobufReader;
import org.nexuslink.p2p.internal.wire.ProtobufWriter;

/**
 * A libp2p public key: its type and raw key bytes, encoded as the peer-ids spec's
 * {@code PublicKey} protobuf ({@code 1: KeyType type, 2: bytes data}).
 *
 * <p>Only Ed25519 keys verify signatures here: a peer with another key type can be named (its
 * PeerId parses) but not authenticated. Immutable and thread-safe.
 */
public final class PeerPublicKey {
    private final KeyType type;
    private final byte[] data;

    private PeerPublicKey(KeyType type, byte[] data) {
        this.type = type;
        this.data = data;
    }

    /** An Ed25519 key from its 32 raw bytes. */
    public static PeerPublicKey ed25519(byte[] raw) {
        if (raw.length != Ed25519PublicKeyParameters.KEY_SIZE) {
            throw new MalformedDataException("an Ed25519 public key is 32 bytes, not " + raw.length);
        }
        return new PeerPublicKey(KeyType.ED25519, raw.clone());
    }

    /**
     * Decodes the {@code PublicKey} protobuf. The spec requires deterministic encoding, so the
     * bytes must be exactly what {@link #encoded()} gives back.
     *
     * @throws MalformedDataException on a malformed, non-canonical or unknown-type key
     */
    public static PeerPublicKey decode(byte[] encoded) {
        ProtobufReader reader = new ProtobufReader(encoded);
        KeyType type = null;
        byte[] data = null;
        while (reader.next()) {
            switch (reader.field()) {
                case 1 ->
                    type = KeyType.of(reader.varint())
                            .orElseThrow(() -> new MalformedDataException("unknown libp2p key type"));
                case 2 -> data = reader.bytes();
                default -> throw new MalformedDataException("unexpected field " + reader.field() + " in a public key");
            }
        }
        if (type == null || data == null) {
            throw new MalformedDataException("a public key needs a type and data");
        }
        PeerPublicKey key = type == KeyType.ED25519 ? ed25519(data) : new PeerPublicKey(type, data);
        if (!Arrays.equals(key.encoded(), encoded)) {
            throw new MalformedDataException("public key not deterministically encoded");
        }
        return key;
    }

    public KeyType type() {
        return type;
    }

    /** The raw key bytes (32 for Ed25519). */
    public byte[] raw() {
        return data.clone();
    }

    /** The {@code PublicKey} protobuf. */
    public byte[] encoded() {
        return new ProtobufWriter().varint(1, type.number()).bytes(2, data).toByteArray();
    }

    /** True if {@code signature} is this key's signature of {@code message}; false for non-Ed25519 keys. */
    public boolean verify(byte[] message, byte[] signature) {
        Objects.requireNonNull(message);
        Objects.requireNonNull(signature);
        if (type != KeyType.ED25519 || signature.length != Ed25519PublicKeyParameters.KEY_SIZE * 2) {
            return false;
        }
        Ed25519Signer verifier = new Ed25519Signer();
        verifier.init(false, new Ed25519PublicKeyParameters(data, 0));
        verifier.update(message, 0, message.length);
        return verifier.verifySignature(signature);
    }

    public PeerId peerId() {
        return PeerId.fromPublicKey(this);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PeerPublicKey k && k.type == type && Arrays.equals(k.data, data);
    }

    @Override
    public int hashCode() {
        return 31 * type.hashCode() + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "PeerPublicKey[" + type + " " + HexFormat.of().formatHex(data) + "]";
    }
}
