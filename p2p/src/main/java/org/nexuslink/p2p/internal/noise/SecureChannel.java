// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.p2p.internal.noise;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.nexuslink.p2p.MalformedDataException;
import org.nexuslink.p2p.NegotiationException;
import org.nexuslink.p2p.PeerId;
import org.nexuslink.p2p.PeerKeyPair;
import org.nexuslink.p2p.PeerPublicKey;
import org.nexuslink.p2p.internal.wire.ProtobufReader;
import org.nexuslink.p2p.internal.wire.ProtobufWriter;

/**
 * libp2p's Noise secure channel ({@code /noise}, libp2p noise spec): the XX handshake with an
 * empty prologue, each handshake payload a {@code NoiseHandshakePayload} proving that the
 * sender's libp2p identity key owns its Noise static key, then transport messages framed by a
 * two-byte big-endian length.
 *
 * <p>A peer authenticates by signing {@code "noise-libp2p-static-key:" || its static key} with
 * its identity key; the handshake fails unless that signature verifies, the key is Ed25519,
 * and (when dialling a known peer) the key's PeerId is the one dialled. Reading and writing
 * each have one owner; writes are serialised by a lock so several streams may share them.
 */
public final class SecureChannel {
    public static final String PROTOCOL = "/noise";
    /** Largest Noise message, ciphertext included. */
    public static final int MAX_MESSAGE = 65535;
    /** Largest plaintext in one transport message. */
    public static final int MAX_PLAINTEXT = MAX_MESSAGE - CipherState.TAG_LENGTH;

    private static final byte[] SIGNATURE_PREFIX = "noise-libp2p-static-key:".getBytes(StandardCharsets.US_ASCII);

    private final PeerPublicKey remoteKey;
    private final CipherState sender;
    private final CipherState receiver;
    private final InputStream rawIn;
    private final OutputStream rawOut;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final InputStream in = new DecryptingInput();
    private final OutputStream out = new EncryptingOutput();

    private SecureChannel(PeerPublicKey remoteKey, CipherState[] ciphers, InputStream rawIn, OutputStream rawOut) {
        this.remoteKey = remoteKey;
        this.sender = ciphers[0];
        this.receiver = ciphers[1];
        this.rawIn = rawIn;
        this.rawOut = rawOut;
    }

    /**
     * Runs the handshake as the dialer.
     *
     * @param expected the PeerId being dialled, if known; any other peer is refused
     * @throws NegotiationException if the peer fails to authenticate or is not {@code expected}
     */
    public static SecureChannel initiate(
            InputStream in,
            OutputStream out,
            PeerKeyPair identity,
            DhKeyPair staticKey,
            DhKeyPair ephemeral,
            Optional<PeerId> expected)
            throws IOException {
        XxHandshake hs = new XxHandshake(true, new byte[0], staticKey, () -> ephemeral);
        writeFrame(out, hs.writeMessage(new byte[0]));
        byte[] payload = hs.readMessage(readFrame(in));
        PeerPublicKey remote = verifyPayload(payload, hs.remoteStatic().orElseThrow());
        if (expected.isPresent() && !expected.get().matches(remote)) {
            throw new NegotiationException("dialled " + expected.get() + " but the peer is " + remote.peerId());
        }
        writeFrame(out, hs.writeMessage(payload(identity, staticKey)));
        return new SecureChannel(remote, hs.split(), in, out);
    }

    /**
     * Runs the handshake as the listener.
     *
     * @throws NegotiationException if the peer fails to authenticate
     */
    public static SecureChannel respond(
            InputStream in, OutputStream out, PeerKeyPair identity, DhKeyPair staticKey, DhKeyPair ephemeral)
            throws IOException {
        XxHandshake hs = new XxHandshake(false, new byte[0], staticKey, () -> ephemeral);
        hs.readMessage(readFrame(in));
        writeFrame(out, hs.writeMessage(payload(identity, staticKey)));
        byte[] payload = hs.readMessage(readFrame(in));
        PeerPublicKey remote = verifyPayload(payload, hs.remoteStatic().orElseThrow());
        return new SecureChannel(remote, hs.split(), in, out);
    }

    /** The payload proving {@code identity} owns {@code staticKey}. */
    static byte[] payload(PeerKeyPair identity, DhKeyPair staticKey) {
        return new ProtobufWriter()
                .bytes(1, identity.publicKey().encoded())
                .bytes(2, identity.sign(signedBytes(staticKey.publicKey())))
                .toByteArray();
    }

    private static byte[] signedBytes(byte[] staticKey) {
        byte[] out = Arrays.copyOf(SIGNATURE_PREFIX, SIGNATURE_PREFIX.length + staticKey.length);
        System.arraycopy(staticKey, 0, out, SIGNATURE_PREFIX.length, staticKey.length);
        return out;
    }

    static PeerPublicKey verifyPayload(byte[] payload, byte[] remoteStatic) throws NegotiationException {
        byte[] key = null;
        byte[] signature = null;
        try {
            ProtobufReader reader = new ProtobufReader(payload);
            while (reader.next()) {
                switch (reader.field()) {
                    case 1 -> key = reader.bytes();
                    case 2 -> signature = reader.bytes();
                    default -> {
                        // Field 3 (early data, deprecated) and 4 (extensions) carry nothing we use.
                    }
                }
            }
            if (key == null || signature == null) {
                throw new NegotiationException("Noise handshake payload lacks an identity key or signature");
            }
            PeerPublicKey remote = PeerPublicKey.decode(key);
            if (!remote.verify(signedBytes(remoteStatic), signature)) {
                throw new NegotiationException("peer's identity key did not sign its Noise static key");
            }
            return remote;
        } catch (MalformedDataException e) {
            throw new NegotiationException("malformed Noise handshake payload", e);
        }
    }

    private static void writeFrame(OutputStream out, byte[] message) throws IOException {
        if (message.length > MAX_MESSAGE) {
            throw new IllegalArgumentException("Noise message too long: " + message.length);
        }
        byte[] framed = new byte[2 + message.length];
        framed[0] = (byte) (message.length >> 8);
        framed[1] = (byte) message.length;
        System.arraycopy(message, 0, framed, 2, message.length);
        out.write(framed);
        out.flush();
    }

    /** Reads one length-prefixed message; null at a clean end of stream between messages. */
    private static byte[] readFrameOrEnd(InputStream in) throws IOException {
        int hi = in.read();
        if (hi < 0) {
            return null;
        }
        int lo = in.read();
        if (lo < 0) {
            throw new EOFException("stream ended inside a Noise length prefix");
        }
        int length = (hi << 8) | lo;
        byte[] message = in.readNBytes(length);
        if (message.length != length) {
            throw new EOFException("stream ended inside a Noise message");
        }
        return message;
    }

    private static byte[] readFrame(InputStream in) throws IOException {
        byte[] frame = readFrameOrEnd(in);
        if (frame == null) {
            throw new EOFException("stream ended during the Noise handshake");
        }
        return frame;
    }

    public PeerPublicKey remoteKey() {
        return remoteKey;
    }

    public PeerId remotePeer() {
        return remoteKey.peerId();
    }

    /** Decrypted bytes from the peer; one reader at a time. */
    public InputStream input() {
        return in;
    }

    /** Bytes to encrypt to the peer; thread-safe, each write call is sent whole and flushed. */
    public OutputStream output() {
        return out;
    }

    private final class DecryptingInput extends InputStream {
        private byte[] buffer = new byte[0];
        private int position;
        private boolean ended;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            while (position == buffer.length) {
                if (ended) {
                    return -1;
                }
                byte[] frame = readFrameOrEnd(rawIn);
                if (frame == null) {
                    ended = true;
                    return -1;
                }
                buffer = receiver.decryptWithAd(new byte[0], frame);
                position = 0;
            }
            int n = Math.min(len, buffer.length - position);
            System.arraycopy(buffer, position, b, off, n);
            position += n;
            return n;
        }
    }

    private final class EncryptingOutput extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            writeLock.lock();
            try {
                int done = 0;
                while (done < len) {
                    int n = Math.min(MAX_PLAINTEXT, len - done);
                    byte[] ciphertext =
                            sender.encryptWithAd(new byte[0], Arrays.copyOfRange(b, off + done, off + done + n));
                    byte[] framed = new byte[2 + ciphertext.length];
                    framed[0] = (byte) (ciphertext.length >> 8);
                    framed[1] = (byte) ciphertext.length;
                    System.arraycopy(ciphertext, 0, framed, 2, ciphertext.length);
                    rawOut.write(framed);
                    done += n;
                }
                rawOut.flush();
            } finally {
                writeLock.unlock();
            }
        }

        @Override
        public void close() throws IOException {
            rawOut.close();
        }
    }
}
