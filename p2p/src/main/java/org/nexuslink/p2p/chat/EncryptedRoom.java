// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.p2p.chat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import org.nexuslink.p2p.MalformedDataException;
import org.nexuslink.p2p.PeerConnection;
import org.nexuslink.p2p.PeerId;
import org.nexuslink.p2p.pubsub.Gossipsub;
import org.nexuslink.p2p.pubsub.PubsubMessage;
import org.nexuslink.protocol.Bytes;
import org.nexuslink.protocol.ConversationId;
import org.nexuslink.protocol.EnvelopeCodec;
import org.nexuslink.protocol.Event;
import org.nexuslink.protocol.Extensions;
import org.nexuslink.protocol.Flags;
import org.nexuslink.protocol.Kind;
import org.nexuslink.protocol.MessageId;
import org.nexuslink.protocol.ProtocolException;
import org.signal.libsignal.protocol.groups.GroupCipher;
import org.signal.libsignal.protocol.groups.GroupSessionBuilder;
import org.signal.libsignal.protocol.message.SenderKeyDistributionMessage;

/**
 * A chat room on a gossipsub topic, end to end encrypted with libsignal Sender Keys (docs/p2p.md,
 * "Rooms"): each member has its own sender key for the room and gives it to every peer it meets
 * inside an end-to-end encrypted direct message ({@link ChatContent.SenderKey}); messages on the
 * topic are protocol-module MsgPack events whose {@code data} is a Sender Key message. Gossipsub
 * signs each message with the author's PeerId; a reader maps that PeerId to an account through its
 * verified binding, so the sender shown is the account, and only a peer whose key it was given can
 * read. Sender Keys rather than one shared group key: the same scheme the client uses for channels
 * (one encryption per message whatever the room's size, a hash ratchet per sender), no key
 * agreement among members to coordinate, and a member's key cannot be used to write as another.
 *
 * <p>Thread-safe: libsignal state is used under the {@link DirectMessages}' lock.
 */
public final class EncryptedRoom implements AutoCloseable {
    /** Gossipsub topics of NexusLink rooms start with this, then the room's name. */
    public static final String TOPIC_PREFIX = "/nexuslink/room/1.0.0/";

    /** A message read from the room. */
    public record Message(DirectPeer from, Instant sentAt, String text) {
        public Message {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(sentAt, "sentAt");
            Objects.requireNonNull(text, "text");
        }
    }

    /** Hears the room; runs on gossipsub's delivery thread, so it must not block long. */
    public interface Listener {
        void message(Message message);

        /** A message on the topic this device cannot read: an author it has no sender key from, or bad data. */
        void unreadable(PeerId author, String reason);
    }

    private final Gossipsub gossipsub;
    private final DirectMessages direct;
    private final String name;
    private final String topic;
    private final Clock clock;
    private final Listener listener;
    private final UUID distribution = UUID.randomUUID();
    private final byte[] distributionMessage;
    private final EnvelopeCodec codec = new EnvelopeCodec();
    private final SecureRandom random = new SecureRandom();
    private final ReentrantLock sessions;

    private EncryptedRoom(Gossipsub gossipsub, DirectMessages direct, String name, Clock clock, Listener listener) {
        this.gossipsub = gossipsub;
        this.direct = direct;
        this.name = name;
        this.topic = TOPIC_PREFIX + name;
        this.clock = clock;
        this.listener = listener;
        this.sessions = direct.sessions();
        sessions.lock();
        try {
            distributionMessage = new GroupSessionBuilder(direct.identity().store())
                    .create(direct.identity().address(), distribution)
                    .serialize();
        } finally {
            sessions.unlock();
        }
    }

    /**
     * Joins room {@code name}: subscribes to its topic with a new sender key of this device. Give
     * the key to each peer with {@link #shareKey}.
     *
     * @throws IllegalArgumentException if the name is empty, longer than 200 characters or has control characters
     */
    public static EncryptedRoom join(
            Gossipsub gossipsub, DirectMessages direct, String name, Clock clock, Listener listener) {
        if (name.isEmpty() || name.length() > 200 || name.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException(
                    "a room name has 1 to 200 characters and no control characters: " + name);
        }
        EncryptedRoom room = new EncryptedRoom(
                Objects.requireNonNull(gossipsub),
                Objects.requireNonNull(direct),
                name,
                Objects.requireNonNull(clock),
                Objects.requireNonNull(listener));
        direct.onKind(ChatContent.SENDER_KEY, room::receiveKey);
        gossipsub.subscribe(room.topic, room::receive);
        return room;
    }

    /** The gossipsub topic of the room. */
    public String topic() {
        return topic;
    }

    /**
     * Gives this device's sender key for the room to the peer behind {@code connection}, inside an
     * end-to-end encrypted direct message.
     *
     * @return the peer, now verified
     * @throws RefusedPeerException if the peer is not bound to an account
     */
    public DirectPeer shareKey(PeerConnection connection) throws IOException {
        ChatContent key = new ChatContent.SenderKey(name, Bytes.of(distributionMessage));
        return direct.send(
                connection, Optional.empty(), List.of(new DirectMessages.Outgoing(key.kind(), key.encode())));
    }

    /**
     * Encrypts {@code text} with this device's sender key and publishes it on the topic.
     *
     * @throws IllegalArgumentException if the text is longer than {@link ChatContent#MAX_TEXT}
     */
    public void publish(String text) {
        if (text.length() > ChatContent.MAX_TEXT) {
            throw new IllegalArgumentException("a message has at most " + ChatContent.MAX_TEXT + " characters");
        }
        byte[] ciphertext;
        sessions.lock();
        try {
            ciphertext = new GroupCipher(
                            direct.identity().store(), direct.identity().address())
                    .encrypt(distribution, new ChatContent.Text(text).encode())
                    .serialize();
        } catch (org.signal.libsignal.protocol.NoSessionException e) {
            throw new IllegalStateException("this device's own sender key is gone from its store", e);
        } finally {
            sessions.unlock();
        }
        Event event = new Event(
                conversation(),
                Kind.TEXT,
                Optional.of(new MessageId(random.nextLong(1, Long.MAX_VALUE))),
                Optional.of(clock.instant().truncatedTo(ChronoUnit.SECONDS)),
                Flags.NONE,
                List.of(),
                Bytes.of(ciphertext),
                Optional.empty(),
                Extensions.EMPTY);
        gossipsub.publish(topic, codec.encodeEvent(event));
    }

    private void receiveKey(DirectPeer from, Event event, byte[] content) throws IOException {
        ChatContent.SenderKey key;
        try {
            key = (ChatContent.SenderKey) ChatContent.decode(event.kind(), content);
        } catch (MalformedDataException e) {
            throw new RefusedPeerException("a malformed sender key from " + from.peerId() + ": " + e.getMessage(), e);
        }
        if (!key.topic().equals(name)) {
            return; // a key for a room this device is not in
        }
        sessions.lock();
        try {
            new GroupSessionBuilder(direct.identity().store())
                    .process(
                            from.address(),
                            new SenderKeyDistributionMessage(key.distribution().toByteArray()));
        } catch (Exception e) {
            throw new RefusedPeerException(
                    "an invalid sender key from " + from.peerId() + ": "
                            + e.getClass().getSimpleName(),
                    e);
        } finally {
            sessions.unlock();
        }
    }

    private void receive(PubsubMessage message) {
        PeerId author = message.author();
        Optional<DirectPeer> from = direct.peer(author);
        if (from.isEmpty()) {
            listener.unreadable(author, "no verified binding for this peer");
            return;
        }
        Event event;
        byte[] plaintext;
        try {
            event = codec.decodeEvent(message.data());
            if (!event.cid().equals(conversation())
                    || !event.kind().equals(Kind.TEXT)
                    || event.time().isEmpty()) {
                listener.unreadable(author, "not a room message of this room");
                return;
            }
            sessions.lock();
            try {
                plaintext = new GroupCipher(
                                direct.identity().store(), from.get().address())
                        .decrypt(event.data().toByteArray());
            } finally {
                sessions.unlock();
            }
            ChatContent.Text text = (ChatContent.Text) ChatContent.decode(Kind.TEXT, plaintext);
            listener.message(new Message(from.get(), event.time().get(), text.text()));
        } catch (ProtocolException | MalformedDataException e) {
            listener.unreadable(author, "malformed: " + e.getMessage());
        } catch (org.signal.libsignal.protocol.NoSessionException e) {
            listener.unreadable(author, "no sender key from " + from.get().account() + " yet");
        } catch (Exception e) {
            listener.unreadable(author, "cannot decrypt: " + e.getClass().getSimpleName());
        }
    }

    /** The room's {@code cid}: the first 16 bytes of SHA-256 over its topic. */
    private ConversationId conversation() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(topic.getBytes(StandardCharsets.UTF_8));
            return new ConversationId(Bytes.of(Arrays.copyOf(digest, 16)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** Leaves the topic. */
    @Override
    public void close() {
        gossipsub.unsubscribe(topic);
    }
}
