// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.p2p.internal.noise;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The HandshakeState of {@code Noise_XX_25519_ChaChaPoly_SHA256}, the pattern libp2p uses:
 *
 * <pre>
 *   -> e
 *   <- e, ee, s, es
 *   -> s, se
 * </pre>
 *
 * Messages are written and read strictly in turn; after the third, {@link #split()} gives the
 * transport ciphers. Not thread-safe: one owner per handshake.
 */
public final class XxHandshake {
    public static final String PROTOCOL_NAME = "Noise_XX_25519_ChaChaPoly_SHA256";

    private final boolean initiator;
    private final SymmetricState symmetric = new SymmetricState(PROTOCOL_NAME);
    private final DhKeyPair s;
    private final Supplier<DhKeyPair> ephemeralSource;
    private DhKeyPair e;
    private byte[] rs;
    private byte[] re;
    private int message;

    /**
     * @param ephemeralSource gives the one ephemeral key (random in use, fixed in test vectors)
     */
    public XxHandshake(boolean initiator, byte[] prologue, DhKeyPair s, Supplier<DhKeyPair> ephemeralSource) {
        this.initiator = initiator;
        this.s = s;
        this.ephemeralSource = ephemeralSource;
        symmetric.mixHash(prologue);
    }

    /** True once all three messages have passed. */
    public boolean isComplete() {
        return message == 3;
    }

    private boolean myTurn() {
        return (message % 2 == 0) == initiator;
    }

    /** Writes the next handshake message carrying {@code payload}. */
    public byte[] writeMessage(byte[] payload) throws NoiseException {
        if (isComplete() || !myTurn()) {
            throw new NoiseException("not this side's turn to write handshake message " + message);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        switch (message) {
            case 0 -> writeE(out);
            case 1 -> {
                writeE(out);
                symmetric.mixKey(e.dh(re));
                out.writeBytes(symmetric.encryptAndHash(s.publicKey()));
                symmetric.mixKey(s.dh(re));
            }
            case 2 -> {
                out.writeBytes(symmetric.encryptAndHash(s.publicKey()));
                symmetric.mixKey(s.dh(re));
            }
            default -> throw new IllegalStateException("handshake message " + message);
        }
        out.writeBytes(symmetric.encryptAndHash(payload));
        message++;
        return out.toByteArray();
    }

    private void writeE(ByteArrayOutputStream out) {
        e = ephemeralSource.get();
        byte[] pub = e.publicKey();
        out.writeBytes(pub);
        symmetric.mixHash(pub);
    }

    /** Reads the peer's next handshake message and returns its payload. */
    public byte[] readMessage(byte[] in) throws NoiseException {
        if (isComplete() || myTurn()) {
            throw new NoiseException("not the peer's turn to write handshake message " + message);
        }
        int pos = 0;
        switch (message) {
            case 0 -> pos = readE(in, pos);
            case 1 -> {
                pos = readE(in, pos);
                symmetric.mixKey(e.dh(re));
                int len = DhKeyPair.DHLEN + CipherState.TAG_LENGTH;
                rs = symmetric.decryptAndHash(slice(in, pos, len));
                pos += len;
                symmetric.mixKey(e.dh(rs));
            }
            case 2 -> {
                int len = DhKeyPair.DHLEN + CipherState.TAG_LENGTH;
                rs = symmetric.decryptAndHash(slice(in, pos, len));
                pos += len;
                symmetric.mixKey(e.dh(rs));
            }
            default -> throw new IllegalStateException("handshake message " + message);
        }
        byte[] payload = symmetric.decryptAndHash(Arrays.copyOfRange(in, pos, in.length));
        message++;
        return payload;
    }

    private int readE(byte[] in, int pos) throws NoiseException {
        re = slice(in, pos, DhKeyPair.DHLEN);
        symmetric.mixHash(re);
        return pos + DhKeyPair.DHLEN;
    }

    private static byte[] slice(byte[] in, int pos, int len) throws NoiseException {
        if (in.length - pos < len) {
            throw new NoiseException("handshake message too short");
        }
        return Arrays.copyOfRange(in, pos, pos + len);
    }

    /** The peer's static public key, once received. */
    public Optional<byte[]> remoteStatic() {
        return Optional.ofNullable(rs).map(byte[]::clone);
    }

    public byte[] handshakeHash() {
        return symmetric.handshakeHash();
    }

    /** The transport ciphers, {@code [send, receive]} from this side's point of view. */
    public CipherState[] split() throws NoiseException {
        if (!isComplete()) {
            throw new NoiseException("handshake not complete");
        }
        CipherState[] pair = symmetric.split();
        return initiator ? pair : new CipherState[] {pair[1], pair[0]};
    }
}
