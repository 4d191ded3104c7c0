// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.p2p.chat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.crypto.identity.DeviceCertificate;
import org.nexuslink.crypto.identity.InvalidCertificateException;
import org.nexuslink.p2p.InvalidBindingException;
import org.nexuslink.p2p.MalformedDataException;
import org.nexuslink.p2p.P2pNode;
import org.nexuslink.p2p.P2pStream;
import org.nexuslink.p2p.PeerBinding;
import org.nexuslink.p2p.PeerConnection;
import org.nexuslink.p2p.PeerId;
import org.nexuslink.p2p.internal.chat.BundleCodec;
import org.nexuslink.p2p.internal.chat.Frames;
import org.nexuslink.p2p.internal.chat.Hello;
import org.nexuslink.protocol.Bytes;
import org.nexuslink.protocol.ConversationId;
import org.nexuslink.protocol.EnvelopeCodec;
import org.nexuslink.protocol.Event;
import org.nexuslink.protocol.Extensions;
import org.nexuslink.protocol.Flags;
import org.nexuslink.protocol.Kind;
import org.nexuslink.protocol.MessageId;
import org.nexuslink.protocol.ProtocolException;
import org.signal.libsignal.protocol.IdentityKey;
import org.signal.libsignal.protocol.SessionBuilder;
import org.signal.libsignal.protocol.SessionCipher;
import org.signal.libsignal.protocol.SignalProtocolAddress;
import org.signal.libsignal.protocol.message.CiphertextMessage;
import org.signal.libsignal.protocol.message.PreKeySignalMessage;
import org.signal.libsignal.protocol.message.SignalMessage;
import org.signal.libsignal.protocol.state.SignalProtocolStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * End-to-end encrypted direct messages between NexusLink devices over libp2p:
 * {@code /nexuslink/dm/1.0.0} (docs/p2p.md, "Direct messages").
 *
 * <p>Each stream starts with both sides sending a hello: a {@link PeerBinding} and a prekey
 * bundle. A binding that does not prove the connection's authenticated PeerId belongs to the
 * account its certificate names ends the stream, and nothing the peer sent is delivered. The
 * dialer then sends protocol-module MsgPack {@link Event}s, one per length-prefixed frame, whose
 * {@code data} is a libsignal ciphertext (one type byte, then the serialized message) of the
 * content; it half-closes, and the listener half-closes once it has decrypted and handed on every
 * event, which tells the sender they arrived. Sessions are PQXDH + Double Ratchet in the
 * {@link SignalProtocolStore} of {@link DirectIdentity}, under the account's libsignal address
 * ({@code nxl:...}, device id): the client's own store, so a session started in community mode
 * continues here and the reverse. A device id that shows up with another key than the store knows
 * is taken only because its account certified the new key (the binding proved it), as community
 * mode does: the old session ends, and {@link #onKeyChange} listeners are told so the user can be
 * warned ("safety number changed").
 *
 * <p>Thread-safe: every libsignal operation on the store holds {@link #sessions()} (sessions are
 * read-modify-write); streams run on their own virtual threads.
 */
public final class DirectMessages {
    public static final String PROTOCOL = "/nexuslink/dm/1.0.0";
    /** Largest hello: a binding (about 250 bytes) and a bundle with its Kyber-1024 key (about 1.8 KiB). */
    static final int MAX_HELLO = 16 * 1024;
    /** Largest event frame. */
    static final int MAX_EVENT = 256 * 1024;
    /** How long a whole stream may take, both ways, before it is reset. */
    public static final Duration STREAM_TIMEOUT = Duration.ofSeconds(30);

    private static final Logger log = LoggerFactory.getLogger(DirectMessages.class);

    /** Gets what peers send, on the stream's thread, after it was decrypted and authenticated. */
    @FunctionalInterface
    public interface Receiver {
        /**
         * @param from the verified peer
         * @param event the event as it came (its {@code data} still the ciphertext)
         * @param content the decrypted content
         */
        void received(DirectPeer from, Event event, byte[] content) throws IOException;
    }

    /** One event to send: its id, kind and plaintext content. */
    public record Outgoing(MessageId mid, Kind kind, byte[] content) {
        public Outgoing {
            Objects.requireNonNull(mid, "mid");
            Objects.requireNonNull(kind, "kind");
            content = content.clone();
        }

        /** An event with a new random id. */
        public Outgoing(Kind kind, byte[] content) {
            this(new MessageId(IDS.nextLong(1, Long.MAX_VALUE)), kind, content);
        }

        private static final SecureRandom IDS = new SecureRandom();

        @Override
        public byte[] content() {
            return content.clone();
        }
    }

    private final P2pNode node;
    private final DirectIdentity me;
    private final Clock clock;
    private final EnvelopeCodec codec = new EnvelopeCodec();
    /** Guards every use of {@code me.store()}: libsignal sessions are read-modify-write. */
    private final ReentrantLock sessions = new ReentrantLock();
    /** Peers whose binding verified, by PeerId; replaced when a peer presents a newer one. */
    private final Map<PeerId, DirectPeer> verified = new ConcurrentHashMap<>();

    private final Map<Integer, Receiver> receivers = new ConcurrentHashMap<>();
    private final Receiver fallback;
    private final Duration streamTimeout;
    private final List<java.util.function.Consumer<DirectPeer>> keyChanges =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    private DirectMessages(P2pNode node, DirectIdentity me, Clock clock, Receiver fallback, Duration streamTimeout) {
        this.node = node;
        this.me = me;
        this.clock = clock;
        this.fallback = fallback;
        this.streamTimeout = streamTimeout;
    }

    /**
     * Serves {@link #PROTOCOL} on {@code node}.
     *
     * @param receiver gets every event whose kind has no receiver of its own ({@link #onKind})
     */
    public static DirectMessages start(P2pNode node, DirectIdentity me, Clock clock, Receiver receiver) {
        return start(node, me, clock, receiver, STREAM_TIMEOUT);
    }

    /**
     * As {@link #start(P2pNode, DirectIdentity, Clock, Receiver)}, resetting streams that take
     * longer than {@code streamTimeout} (a peer that opens a stream and goes silent must not hold
     * it, nor a sender wait forever).
     */
    public static DirectMessages start(
            P2pNode node, DirectIdentity me, Clock clock, Receiver receiver, Duration streamTimeout) {
        if (streamTimeout.isNegative() || streamTimeout.isZero()) {
            throw new IllegalArgumentException("the stream timeout must be positive");
        }
        DirectMessages dm = new DirectMessages(
                Objects.requireNonNull(node),
                Objects.requireNonNull(me),
                Objects.requireNonNull(clock),
                Objects.requireNonNull(receiver),
                streamTimeout);
        node.handle(PROTOCOL, dm::serve);
        return dm;
    }

    /** A running stream deadline; closing it before it expires keeps the stream. */
    private interface Deadline extends AutoCloseable {
        @Override
        void close();
    }

    /** Resets {@code stream} unless the returned handle is closed within the stream timeout. */
    private Deadline deadline(P2pStream stream) {
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.CompletableFuture.delayedExecutor(
                        streamTimeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                .execute(() -> {
                    if (done.compareAndSet(false, true)) {
                        log.atDebug().addKeyValue("peer", stream.remotePeer()).log("direct-message stream timed out");
                        stream.reset();
                    }
                });
        return () -> done.set(true);
    }

    /** Sends events of {@code kind} to {@code receiver} instead of the default one. */
    public void onKind(Kind kind, Receiver receiver) {
        receivers.put(kind.code(), Objects.requireNonNull(receiver));
    }

    /**
     * Tells {@code listener} of each peer device whose certified key replaced the one this store
     * knew for it (re-linked or restored under the same device id); runs on the stream's thread.
     */
    public void onKeyChange(java.util.function.Consumer<DirectPeer> listener) {
        keyChanges.add(Objects.requireNonNull(listener));
    }

    /** This device. */
    public DirectIdentity identity() {
        return me;
    }

    /** The lock every libsignal operation on this device's store holds (see the class comment). */
    ReentrantLock sessions() {
        return sessions;
    }

    /** The peer behind {@code peer}, if its binding has verified on some stream. */
    public Optional<DirectPeer> peer(PeerId peer) {
        return Optional.ofNullable(verified.get(peer));
    }

    /** Every peer whose binding has verified, connected or not. */
    public List<DirectPeer> peers() {
        return List.copyOf(verified.values());
    }

    /**
     * Exchanges hellos with a connected peer and returns who it is, sending nothing else.
     *
     * @throws RefusedPeerException if its binding does not verify
     */
    public DirectPeer introduce(PeerConnection connection) throws IOException {
        return send(connection, Optional.empty(), List.of());
    }

    /**
     * Sends {@code events} to the device behind {@code connection}, starting a session from its
     * bundle if there is none, and waits until it has received them all.
     *
     * @param expected the account the peer must be bound to, if the caller named one
     * @return the verified peer
     * @throws RefusedPeerException if its binding does not verify, names another account than
     *     {@code expected}, or the session's key is not its certified key; nothing was sent then
     * @throws IOException if the stream fails; some events may have arrived
     */
    public DirectPeer send(PeerConnection connection, Optional<AccountId> expected, List<Outgoing> events)
            throws IOException {
        P2pStream stream = connection.openStream(List.of(PROTOCOL));
        try (Deadline timer = deadline(stream)) {
            Frames.write(stream.output(), hello().encode());
            Hello theirs = readHello(stream);
            DirectPeer peer = verify(stream.remotePeer(), theirs);
            if (expected.isPresent() && !expected.get().equals(peer.account())) {
                throw new RefusedPeerException(
                        "peer " + peer.peerId() + " is bound to " + peer.account() + ", not to " + expected.get());
            }
            for (Outgoing outgoing : events) {
                Frames.write(stream.output(), codec.encodeEvent(encrypt(peer, theirs, outgoing)));
            }
            stream.closeWrite();
            if (stream.input().read() != -1) {
                throw new RefusedPeerException("peer " + peer.peerId() + " answered events with data");
            }
            return peer;
        } catch (IOException | MalformedDataException | ProtocolException e) {
            stream.reset();
            if (e instanceof IOException io) {
                throw io;
            }
            throw new RefusedPeerException(
                    "peer " + stream.remotePeer() + " sent malformed data: " + e.getMessage(), e);
        }
    }

    private void serve(P2pStream stream) throws IOException {
        try (Deadline timer = deadline(stream)) {
            serveUntimed(stream);
        }
    }

    private void serveUntimed(P2pStream stream) throws IOException {
        Frames.write(stream.output(), hello().encode());
        DirectPeer peer;
        try {
            peer = verify(stream.remotePeer(), readHello(stream));
            Optional<byte[]> frame;
            while ((frame = Frames.read(stream.input(), MAX_EVENT)).isPresent()) {
                Event event = codec.decodeEvent(frame.get());
                byte[] content = decrypt(peer, event);
                receivers.getOrDefault(event.kind().code(), fallback).received(peer, event, content);
            }
        } catch (RefusedPeerException e) {
            log.atInfo()
                    .addKeyValue("peer", stream.remotePeer())
                    .addKeyValue("reason", e.getMessage())
                    .log("direct-message peer refused");
            throw e;
        } catch (MalformedDataException | ProtocolException e) {
            throw new RefusedPeerException(
                    "peer " + stream.remotePeer() + " sent malformed data: " + e.getMessage(), e);
        }
    }

    private Hello hello() {
        PeerBinding binding = PeerBinding.issue(me.deviceKey(), me.certificate(), node.peerId(), clock.instant());
        byte[] bundle;
        sessions.lock();
        try {
            bundle = BundleCodec.encode(me.prekeys().bundle());
        } finally {
            sessions.unlock();
        }
        return new Hello(binding.encoded(), bundle);
    }

    private static Hello readHello(P2pStream stream) throws IOException {
        return Hello.decode(Frames.read(stream.input(), MAX_HELLO)
                .orElseThrow(() -> new RefusedPeerException("peer " + stream.remotePeer() + " left before its hello")));
    }

    /** Checks the peer's binding against the PeerId the connection authenticated. */
    private DirectPeer verify(PeerId authenticated, Hello hello) throws RefusedPeerException {
        try {
            PeerBinding binding = PeerBinding.decode(hello.binding());
            AccountId claimed =
                    DeviceCertificate.decodeUnverified(certificateOf(hello)).accountId();
            DeviceCertificate certificate = binding.verify(claimed, authenticated, clock);
            if (me.revoked().test(certificate)) {
                throw new RefusedPeerException("peer " + authenticated + " is device "
                        + certificate.deviceId().value() + " of " + claimed + ", which its account revoked");
            }
            DirectPeer peer = new DirectPeer(authenticated, certificate);
            verified.put(authenticated, peer);
            return peer;
        } catch (InvalidBindingException | InvalidCertificateException e) {
            throw new RefusedPeerException(
                    "peer " + authenticated + " is not bound to the account it claims: " + e.getMessage(), e);
        }
    }

    /** The certificate inside a binding (field 1), to learn which account it claims. */
    private static byte[] certificateOf(Hello hello) throws InvalidBindingException {
        org.nexuslink.p2p.internal.wire.ProtobufReader r =
                new org.nexuslink.p2p.internal.wire.ProtobufReader(hello.binding());
        try {
            while (r.next()) {
                if (r.field() == 1) {
                    return r.bytes();
                }
            }
        } catch (MalformedDataException e) {
            throw new InvalidBindingException(InvalidBindingException.Reason.MALFORMED, e.getMessage(), e);
        }
        throw new InvalidBindingException(
                InvalidBindingException.Reason.MALFORMED, "a peer binding needs a certificate");
    }

    private Event encrypt(DirectPeer peer, Hello theirs, Outgoing outgoing) throws IOException {
        SignalProtocolAddress address = peer.address();
        IdentityKey certified = new IdentityKey(peer.certificate().devicePublicKey());
        CiphertextMessage message;
        boolean changed = false;
        sessions.lock();
        try {
            SignalProtocolStore store = me.store();
            if (!knowsCertifiedKey(peer)) {
                // Re-linked under the same id, certified by the account: start over with the new key.
                store.deleteSession(address);
                store.saveIdentity(address, certified);
                changed = true;
            }
            if (!store.containsSession(address)) {
                new SessionBuilder(store, address).process(BundleCodec.decode(theirs.bundle(), certified));
            }
            requireCertifiedSession(peer);
            message = new SessionCipher(store, address).encrypt(outgoing.content());
        } catch (RefusedPeerException e) {
            throw e;
        } catch (org.signal.libsignal.protocol.UntrustedIdentityException e) {
            throw new RefusedPeerException("the device key of " + address + " changed; verify the contact", e);
        } catch (org.signal.libsignal.protocol.InvalidKeyException
                | org.signal.libsignal.protocol.NoSessionException e) {
            throw new RefusedPeerException("cannot start a session with " + address + ": " + e.getMessage(), e);
        } finally {
            sessions.unlock();
        }
        if (changed) {
            keyChanges.forEach(l -> l.accept(peer));
        }
        byte[] serialized = message.serialize();
        byte[] data = new byte[serialized.length + 1];
        data[0] = (byte) message.getType();
        System.arraycopy(serialized, 0, data, 1, serialized.length);
        return new Event(
                conversation(me.certificate().accountId(), peer.account()),
                outgoing.kind(),
                Optional.of(outgoing.mid()),
                Optional.of(clock.instant().truncatedTo(ChronoUnit.SECONDS)),
                Flags.NONE,
                List.of(),
                Bytes.of(data),
                Optional.empty(),
                Extensions.EMPTY);
    }

    /** Whether the store knows no key for the peer's address, or the certified one. */
    private boolean knowsCertifiedKey(DirectPeer peer) {
        IdentityKey known = me.store().getIdentity(peer.address());
        return known == null
                || Arrays.equals(
                        known.getPublicKey().getPublicKeyBytes(),
                        peer.certificate().devicePublicKeyBytes());
    }

    /** The session with the peer must run on the key its certificate names, not an older one. */
    private void requireCertifiedSession(DirectPeer peer) throws RefusedPeerException {
        IdentityKey known = me.store().getIdentity(peer.address());
        if (known != null
                && !Arrays.equals(
                        known.getPublicKey().getPublicKeyBytes(),
                        peer.certificate().devicePublicKeyBytes())) {
            throw new RefusedPeerException("the device key of " + peer.address()
                    + " is not the one this profile knows; " + "verify the contact");
        }
    }

    private byte[] decrypt(DirectPeer peer, Event event) throws RefusedPeerException {
        byte[] data = event.data().toByteArray();
        if (data.length < 2) {
            throw new RefusedPeerException("an event from " + peer.peerId() + " carries no ciphertext");
        }
        byte[] body = Arrays.copyOfRange(data, 1, data.length);
        SignalProtocolAddress address = peer.address();
        IdentityKey previous = null;
        boolean changed = false;
        sessions.lock();
        try {
            SessionCipher cipher = new SessionCipher(me.store(), address);
            byte[] plaintext = switch (data[0]) {
                case CiphertextMessage.PREKEY_TYPE -> {
                    PreKeySignalMessage message = new PreKeySignalMessage(body);
                    if (!Arrays.equals(
                            message.getIdentityKey().getPublicKey().getPublicKeyBytes(),
                            peer.certificate().devicePublicKeyBytes())) {
                        throw new RefusedPeerException(
                                "a session from " + peer.peerId() + " starts with another key than its certified one");
                    }
                    if (!knowsCertifiedKey(peer)) {
                        // A new session from a re-linked device whose new key its account certified;
                        // the old key is put back below if the message does not decrypt.
                        previous = me.store().getIdentity(address);
                        me.store().saveIdentity(address, message.getIdentityKey());
                        changed = true;
                    }
                    yield cipher.decrypt(message);
                }
                case CiphertextMessage.WHISPER_TYPE -> cipher.decrypt(new SignalMessage(body));
                default ->
                    throw new RefusedPeerException("unknown ciphertext type " + data[0] + " from " + peer.peerId());
            };
            requireCertifiedSession(peer);
            previous = null;
            if (changed) {
                keyChanges.forEach(l -> l.accept(peer));
            }
            return plaintext;
        } catch (RefusedPeerException e) {
            throw e;
        } catch (org.signal.libsignal.protocol.UntrustedIdentityException e) {
            throw new RefusedPeerException("the device key of " + address + " changed; verify the contact", e);
        } catch (Exception e) {
            throw new RefusedPeerException(
                    "cannot decrypt an event from " + address + ": "
                            + e.getClass().getSimpleName(),
                    e);
        } finally {
            if (previous != null) {
                me.store().saveIdentity(address, previous);
            }
            sessions.unlock();
        }
    }

    /**
     * The {@code cid} of the direct conversation between two accounts: the first 16 bytes of
     * SHA-256 over a label and the two identity keys in byte order, the same from both ends.
     */
    public static ConversationId conversation(AccountId a, AccountId b) {
        byte[] x = a.publicKeyBytes();
        byte[] y = b.publicKeyBytes();
        if (Arrays.compareUnsigned(x, y) > 0) {
            byte[] t = x;
            x = y;
            y = t;
        }
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update("nexuslink/p2p-dm/v1".getBytes(StandardCharsets.US_ASCII));
            sha.update(x);
            sha.update(y);
            return new ConversationId(Bytes.of(Arrays.copyOf(sha.digest(), 16)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
