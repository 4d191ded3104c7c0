// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.p2p;

import java.util.Arrays;
import java.util.Optional;
import org.nexuslink.p2p.internal.wire.Base58;
import org.nexuslink.p2p.internal.wire.Varint;

/**
 * A libp2p peer id: the multihash of a peer's encoded public key. Keys of at most 42 encoded
 * bytes (Ed25519's is 36) use the identity multihash, so the key can be read back from the id;
 * longer keys use SHA-256. The text form is base58btc ({@code 12D3KooW...} for Ed25519,
 * {@code Qm...} for SHA-256).
 *
 * <p>Immutable and thread-safe; equal ids have equal multihash bytes.
 */
public final class PeerId {
    private static final int IDENTITY = 0x00;
    private static final int SHA2_256 = 0x12;
    private static final int MAX_INLINE_KEY = 42;

    private final byte[] multihash;

    private PeerId(byte[] multihash) {
        this.multihash = multihash;
    }

    /** The id of a public key (identity multihash for Ed25519 keys). */
    public static PeerId fromPublicKey(PeerPublicKey key) {
        byte[] encoded = key.encoded();
        if (encoded.length > MAX_INLINE_KEY) {
            throw new IllegalArgumentException(
                    "keys longer than " + MAX_INLINE_KEY + " bytes are hashed; only Ed25519 is supported");
        }
        byte[] out = new byte[2 + encoded.length];
        out[0] = IDENTITY;
        out[1] = (byte) encoded.length;
        System.arraycopy(encoded, 0, out, 2, encoded.length);
        return new PeerId(out);
    }

    /**
     * Parses the multihash bytes of a peer id.
     *
     * @throws MalformedDataException unless they are an identity multihash of a valid public key
     *     (at most 42 bytes) or a SHA-256 multihash
     */
    public static PeerId fromBytes(byte[] multihash) {
        Varint.Decoded code = Varint.decode(multihash, 0);
        Varint.Decoded length = Varint.decode(multihash, code.length());
        int header = code.length() + length.length();
        if (length.value() != multihash.length - header) {
            throw new MalformedDataException("multihash length " + length.value() + " does not match its digest");
        }
        if (code.value() == IDENTITY) {
            if (length.value() > MAX_INLINE_KEY) {
                throw new MalformedDataException("identity multihash longer than " + MAX_INLINE_KEY + " bytes");
            }
            PeerPublicKey.decode(Arrays.copyOfRange(multihash, header, multihash.length));
        } else if (code.value() == SHA2_256) {
            if (length.value() != 32) {
                throw new MalformedDataException("a sha2-256 multihash has 32 bytes, not " + length.value());
            }
        } else {
            throw new MalformedDataException("unsupported peer id multihash code " + code.value());
        }
        return new PeerId(multihash.clone());
    }

    /**
     * Parses the base58btc text form ({@code 12D3KooW...} or {@code Qm...}).
     *
     * @throws MalformedDataException if it is not a valid peer id
     */
    public static PeerId parse(String text) {
        if (text.isEmpty() || text.length() > 128) {
            throw new MalformedDataException("a peer id is 1 to 128 characters");
        }
        if (!(text.startsWith("1") || text.startsWith("Qm"))) {
            throw new MalformedDataException("a peer id in base58btc starts with 1 or Qm");
        }
        return fromBytes(Base58.decode(text));
    }

    /** The multihash bytes. */
    public byte[] toBytes() {
        return multihash.clone();
    }

    /** The public key inlined in an identity multihash; empty for SHA-256 ids. */
    public Optional<PeerPublicKey> publicKey() {
        if (multihash[0] != IDENTITY) {
            return Optional.empty();
        }
        return Optional.of(PeerPublicKey.decode(Arrays.copyOfRange(multihash, 2, multihash.length)));
    }

    /** True if this id names {@code key}. */
    public boolean matches(PeerPublicKey key) {
        return key.encoded().length <= MAX_INLINE_KEY && equals(fromPublicKey(key));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PeerId p && Arrays.equals(p.multihash, multihash);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(multihash);
    }

    @Override
    public String toString() {
        return Base58.encode(multihash);
    }
}
