// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.nexuslink.client.community.CommunityApi;
import org.nexuslink.client.content.Content;
import org.nexuslink.client.internal.ClientParts;
import org.nexuslink.client.internal.KeyLogWatch;
import org.nexuslink.client.media.Attachments;
import org.nexuslink.client.media.FileDescriptor;
import org.nexuslink.client.media.MediaClient;
import org.nexuslink.client.media.TransferProgress;
import org.nexuslink.client.session.Wire;
import org.nexuslink.client.store.ProfileStore;
import org.nexuslink.client.store.StoredMessage;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.crypto.identity.DeviceCertificate;
import org.nexuslink.crypto.keystore.VaultContents;
import org.nexuslink.crypto.server.ServerPublicKey;
import org.nexuslink.protocol.Bytes;
import org.nexuslink.protocol.api.ApiRoute;
import org.nexuslink.protocol.api.ChannelsApi;
import org.nexuslink.protocol.api.DevicesApi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The NexusLink client: one device profile talking to one community server, end to end encrypted
 * (docs/client.md). It keeps an encrypted local store, publishes and replenishes prekeys, sends
 * and receives direct messages (libsignal sessions per device) and channel messages (Sender
 * Keys), files, replies and revokes, and stays connected: it reconnects with backoff and jitter
 * and resumes from its cursors, so nothing is shown twice.
 *
 * <p>Thread-safe: every operation runs on the client's one worker thread, in order, because
 * libsignal's sessions are read-modify-write. Subscribers are called on that thread and must not
 * block for long. A refusal by the server is a {@link RefusedException} carrying its
 * {@link org.nexuslink.protocol.ErrorCode}.
 */
public final class NexusClient implements AutoCloseable {
    /** The local store's file in a profile directory. */
    public static final String STORE_FILE = "messages.db";
    /** How long a sender may revoke a direct message (seed 001's default window). */
    public static final Duration DIRECT_REVOKE_WINDOW = Duration.ofMinutes(2);
    /** The device type a client reports when the app names none. */
    public static final String DEFAULT_DEVICE_TYPE = "sdk";
    /** How often a connected client checks its own account's key history (key transparency). */
    public static final Duration KEY_MONITOR_INTERVAL = KeyLogWatch.INTERVAL;

    private static final Logger LOG = LoggerFactory.getLogger(NexusClient.class);

    private final ClientParts parts;
    private final SecureRandom random = new SecureRandom();

    private NexusClient(ClientParts parts) {
        this.parts = parts;
    }

    /**
     * Opens a profile's local store with its unlocked keys. Nothing is sent until {@link #join} or
     * {@link #connect}.
     */
    public static NexusClient open(Path profileDir, VaultContents keys, Clock clock) throws IOException {
        return open(profileDir, keys, clock, DEFAULT_DEVICE_TYPE);
    }

    /**
     * As {@link #open(Path, VaultContents, Clock)}, for an app that names its kind of device
     * ({@code deviceType}, 1 to 20 characters: what {@code nexuslink device list} shows).
     */
    public static NexusClient open(Path profileDir, VaultContents keys, Clock clock, String deviceType)
            throws IOException {
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(clock, "clock");
        if (deviceType.isEmpty() || deviceType.length() > 20) {
            throw new IllegalArgumentException("a device type has 1 to 20 characters: " + deviceType);
        }
        Files.createDirectories(profileDir);
        return new NexusClient(new ClientParts(profileDir.resolve(STORE_FILE), keys, clock, deviceType));
    }

    /** This device. */
    public LocalDevice device() {
        return parts.me();
    }

    /** The community this profile belongs to, once joined. */
    public Optional<URI> community() {
        return parts.community().server();
    }

    /** The community server's key this profile pinned, once it has. */
    public Optional<ServerPublicKey> serverKey() {
        return parts.community().serverKey();
    }

    /**
     * Calls {@code subscriber} with every {@link ClientEvent} from now on, on the worker thread,
     * in the order things happened: messages only once they are on disk.
     */
    public void subscribe(Consumer<ClientEvent> subscriber) {
        parts.subscribe(subscriber);
    }

    /**
     * Joins a community with this profile's identity (the device that holds the account key) or,
     * for a linked device, registers nothing and just authenticates; then publishes prekeys. The
     * server's key is pinned as it presents it (trust on first use).
     *
     * @throws RefusedException when the server refuses ({@code CONFLICT}: the account is a member
     *     already, use {@link #connect})
     */
    public void join(URI server, String displayName) throws IOException {
        join(server, displayName, Optional.empty());
    }

    /**
     * As {@link #join(URI, String)}, pinning {@code expectedKey} (learnt out of band) when given.
     * A server presenting another key than the expected one, or than the one this profile already
     * pinned for it, is refused before anything is signed.
     *
     * @throws CommunityApi.UntrustedServerException when the server presents another key
     */
    public void join(URI server, String displayName, Optional<ServerPublicKey> expectedKey) throws IOException {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(displayName, "displayName");
        Objects.requireNonNull(expectedKey, "expectedKey");
        parts.worker()
                .run(() ->
                        parts.community().join(server, displayName, expectedKey, parts.deviceType(), parts.prekeys()));
    }

    /**
     * Connects to the community, tops up prekeys, fetches what arrived while offline (direct
     * messages and every readable channel from its cursor) and keeps receiving. When the
     * connection drops, it reconnects by itself until {@link #close}. Does nothing while a
     * connection is open: a second one would receive every push twice.
     *
     * @throws IOException if the first connection fails (later ones are retried)
     */
    public void connect() throws IOException {
        parts.worker().run(() -> parts.connection().connect());
    }

    /** Whether a connection is open now. */
    public boolean isConnected() {
        return parts.connection().isConnected();
    }

    /** Sends a text, optionally as a reply; returns the message as stored locally. */
    public StoredMessage sendText(Conversation conversation, String text, Optional<MessageRef> replyTo)
            throws IOException {
        return await(sendTextAsync(conversation, text, replyTo));
    }

    /**
     * Queues a text for sending and returns at once; the future completes with the message as
     * stored locally once the server has taken it (or with why it could not be sent).
     *
     * <p>Texts queued while the client is busy go out together: the direct messages among them
     * are encrypted in one transaction, committed once (one disk sync for all, before any
     * ciphertext leaves), sent without waiting for each other's answers and filed in one more
     * transaction. Texts to one conversation keep their order.
     */
    public CompletableFuture<StoredMessage> sendTextAsync(
            Conversation conversation, String text, Optional<MessageRef> replyTo) {
        Objects.requireNonNull(text, "text");
        parts.worker().requireOpen();
        return parts.sender().enqueue(conversation, new Content.Text(text, replyRef(conversation, replyTo)));
    }

    /** Encrypts a file, uploads the ciphertext and sends its descriptor (kind 3). */
    public StoredMessage sendFile(Conversation conversation, Path file, String mime, Optional<MessageRef> replyTo)
            throws IOException {
        return sendFile(conversation, file, mime, replyTo, TransferProgress.NONE);
    }

    /**
     * As {@link #sendFile(Conversation, Path, String, Optional)}, telling {@code progress} how the
     * encryption and the upload go (on the worker and HTTP threads: it must not block).
     */
    public StoredMessage sendFile(
            Conversation conversation, Path file, String mime, Optional<MessageRef> replyTo, TransferProgress progress)
            throws IOException {
        Objects.requireNonNull(progress, "progress");
        Optional<String> reply = replyRef(conversation, replyTo);
        return parts.worker().call(() -> {
            Wire wire = parts.connection().requireWire();
            FileDescriptor descriptor =
                    Attachments.send(file, mime, new MediaClient(wire.api().server(), wire::token), random, progress);
            return parts.sender()
                    .send(conversation, new Content.File(Bytes.of(descriptor.encode()), Optional.empty(), reply));
        });
    }

    /** Downloads, verifies and decrypts a received file into {@code targetDir}; returns its path. */
    public Path saveFile(StoredMessage message, Path targetDir) throws IOException {
        return saveFile(message, targetDir, TransferProgress.NONE);
    }

    /**
     * As {@link #saveFile(StoredMessage, Path)}, telling {@code progress} how the download and the
     * decryption go (on the worker and HTTP threads: it must not block).
     */
    public Path saveFile(StoredMessage message, Path targetDir, TransferProgress progress) throws IOException {
        Objects.requireNonNull(progress, "progress");
        byte[] attachment = message.attachment()
                .orElseThrow(() -> new IllegalArgumentException("message " + message.ref() + " carries no file"));
        return parts.worker().call(() -> {
            Files.createDirectories(targetDir);
            // A download needs only a token: no connection, prekey check or sync for it.
            String token = parts.connection().token();
            return Attachments.receive(
                    FileDescriptor.decode(attachment),
                    new MediaClient(parts.community().require().server(), () -> token),
                    targetDir,
                    progress);
        });
    }

    /**
     * Revokes a message: one's own (in a channel within the server's window, in a direct message
     * within {@link #DIRECT_REVOKE_WINDOW}), or anyone's in a channel one moderates.
     *
     * @throws IllegalArgumentException when there is no such message, or it may not be revoked
     */
    public void revoke(Conversation conversation, MessageRef ref) throws IOException {
        Objects.requireNonNull(conversation, "conversation");
        Objects.requireNonNull(ref, "ref");
        parts.worker().run(() -> parts.sender().revoke(conversation, ref));
    }

    /** The latest {@code limit} messages of a conversation, oldest first, revoked ones marked. */
    public List<StoredMessage> history(Conversation conversation, int limit) throws IOException {
        Objects.requireNonNull(conversation, "conversation");
        return parts.worker().call(() -> parts.store().messages().history(conversation.id(), limit));
    }

    /** One message of a conversation, if this profile has it. */
    public Optional<StoredMessage> message(Conversation conversation, MessageRef ref) throws IOException {
        Objects.requireNonNull(conversation, "conversation");
        Objects.requireNonNull(ref, "ref");
        return parts.worker().call(() -> parts.store().messages().find(conversation.id(), ref.text()));
    }

    /** The conversations this profile has, most recent first. */
    public List<ConversationSummary> conversations() throws IOException {
        return parts.worker()
                .call(() -> parts.store().conversations().list().stream()
                        .map(c -> new ConversationSummary(Conversation.parse(c.id()), c.title(), c.createdAt()))
                        .toList());
    }

    /** The channels this account may read on the community, as the server lists them. */
    public ChannelsApi.ChannelList channels() throws IOException {
        return parts.worker()
                .call(() ->
                        parts.community().require().channels(parts.connection().token()));
    }

    /** This account's active devices, as the server lists them. */
    public DevicesApi.DeviceList devices() throws IOException {
        return parts.worker()
                .call(() ->
                        parts.community().require().devices(parts.connection().token()));
    }

    /**
     * The community's members with their display names, as the server lists them now. The names
     * are kept locally for {@link #memberNames}.
     */
    public List<Member> members() throws IOException {
        return parts.worker()
                .call(() -> parts.members()
                        .list(parts.community().require(), parts.connection().token()));
    }

    /**
     * A private channel's members, with their display names.
     *
     * @throws RefusedException {@code CONFLICT} for a public channel (it has no list: every member
     *     reads it), {@code FORBIDDEN} when this account may not read the channel
     */
    public List<Member> channelMembers(ChannelId channel) throws IOException {
        Objects.requireNonNull(channel, "channel");
        return parts.worker()
                .call(() -> parts.members()
                        .channel(parts.community().require(), parts.connection().token(), channel));
    }

    /** The display names {@link #members} last listed, by account: what to show offline. */
    public Map<AccountId, String> memberNames() throws IOException {
        return parts.worker().call(() -> parts.members().names());
    }

    /**
     * Removes one of this account's devices from the community. This device may always remove
     * itself; removing another needs the account identity key, which signs a revocation of the
     * device's certificate.
     *
     * @throws IOException if this profile has no identity key and the device is another one, or
     *     the server refuses (the last device, for one)
     */
    public void removeDevice(int deviceId) throws IOException {
        parts.worker()
                .run(() -> parts.devices()
                        .remove(parts.community().require(), parts.connection().token(), deviceId));
    }

    /** Registers a device certified by this account's identity key (see {@code nexuslink device link}). */
    public void registerDevice(DeviceCertificate certificate) throws IOException {
        Objects.requireNonNull(certificate, "certificate");
        parts.worker()
                .run(() -> parts.devices()
                        .register(
                                parts.community().require(), parts.connection().token(), certificate));
    }

    /**
     * A REST call as this device (docs/api.md), for calls the client has no method for.
     *
     * @param body       a request record of {@code org.nexuslink.protocol.api}, or null
     * @param answer     the response record to read
     * @param pathValues the values of the route's path parameters, in order
     */
    public <T> T request(ApiRoute route, Object body, Class<T> answer, Object... pathValues) throws IOException {
        return parts.worker()
                .call(() -> parts.community()
                        .require()
                        .call(route, body, answer, parts.connection().token(), pathValues));
    }

    /** A REST call as this device for its effect, ignoring any answer body. */
    public void perform(ApiRoute route, Object body, Object... pathValues) throws IOException {
        parts.worker()
                .run(() -> parts.community()
                        .require()
                        .perform(route, body, parts.connection().token(), pathValues));
    }

    /** The local store (read-only uses; writes go through the client). */
    public ProfileStore store() {
        return parts.store();
    }

    /** Stops receiving, closes the connection and the local store. */
    @Override
    public void close() {
        if (parts.worker().isClosed()) {
            return;
        }
        try {
            parts.worker().run(() -> parts.connection().disconnect());
        } catch (IOException e) {
            LOG.atDebug()
                    .setMessage("closing the connection failed")
                    .addKeyValue("error", e.toString())
                    .log();
        }
        parts.worker().close();
        parts.sender().failAll(new IllegalStateException("the client is closed"));
        parts.store().close();
    }

    /** The text of a reply's ref, checked to be of the conversation's kind. */
    private static Optional<String> replyRef(Conversation conversation, Optional<MessageRef> replyTo) {
        Objects.requireNonNull(conversation, "conversation");
        Objects.requireNonNull(replyTo, "replyTo");
        replyTo.ifPresent(ref -> {
            boolean matches = switch (conversation) {
                case Conversation.Direct d -> ref instanceof MessageRef.Direct;
                case Conversation.Channel c -> ref instanceof MessageRef.Channel;
            };
            if (!matches) {
                throw new IllegalArgumentException("a reply in " + conversation.id() + " cannot point at " + ref.text()
                        + ", a message of another kind of conversation");
            }
        });
        return replyTo.map(MessageRef::text);
    }

    private static <T> T await(CompletableFuture<T> result) throws IOException {
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IOException(cause.getMessage(), cause);
        }
    }
}
