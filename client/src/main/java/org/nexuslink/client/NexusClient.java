// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.nexuslink.client.community.CommunityApi;
import org.nexuslink.client.community.GatewayConnection;
import org.nexuslink.crypto.server.ServerPublicKey;
import org.nexuslink.client.content.Content;
import org.nexuslink.client.content.Payload;
import org.nexuslink.client.keys.PrekeyStock;
import org.nexuslink.client.media.Attachments;
import org.nexuslink.client.media.FileDescriptor;
import org.nexuslink.client.media.MediaClient;
import org.nexuslink.client.session.ChannelMessenger;
import org.nexuslink.client.session.DirectMessenger;
import org.nexuslink.client.session.Received;
import org.nexuslink.client.session.RejectedMessageException;
import org.nexuslink.client.session.Wire;
import org.nexuslink.client.transparency.KeyTransparencyException;
import org.nexuslink.client.transparency.LogClient;
import org.nexuslink.client.transparency.OwnKeyMonitor;
import org.nexuslink.client.store.Conversation;
import org.nexuslink.client.store.ConversationType;
import org.nexuslink.client.store.Direction;
import org.nexuslink.client.store.ProfileStore;
import org.nexuslink.client.store.StoreKey;
import org.nexuslink.client.store.StoredMessage;
import org.nexuslink.crypto.identity.AccountIdentity;
import org.nexuslink.crypto.identity.DeviceCertificate;
import org.nexuslink.crypto.identity.DeviceRevocation;
import org.nexuslink.crypto.identity.InvalidCertificateException;
import org.nexuslink.crypto.keystore.VaultContents;
import org.nexuslink.protocol.Ack;
import org.nexuslink.protocol.Bytes;
import org.nexuslink.protocol.CatchUpRequest;
import org.nexuslink.protocol.CatchUpResult;
import org.nexuslink.protocol.Command;
import org.nexuslink.protocol.ConversationId;
import org.nexuslink.protocol.DirectPush;
import org.nexuslink.protocol.Envelope;
import org.nexuslink.protocol.Event;
import org.nexuslink.protocol.MessageId;
import org.nexuslink.protocol.Notice;
import org.nexuslink.protocol.Tag;
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
 * libsignal's sessions are read-modify-write. Listeners are called on that thread and must not
 * block for long.
 */
public final class NexusClient implements AutoCloseable {
    /** The local store's file in a profile directory. */
    public static final String STORE_FILE = "messages.db";
    /** How long a sender may revoke a direct message (seed 001's default window). */
    public static final Duration DIRECT_REVOKE_WINDOW = Duration.ofMinutes(2);
    static final String COMMUNITY_URL = "community.url";
    /** The community server's long-term public key, pinned at join (or at the first sign-in of older profiles). */
    static final String COMMUNITY_SERVER_KEY = "community.server_key";
    static final Duration MIN_BACKOFF = Duration.ofMillis(250);
    /** How often a connected client checks its own account's key history (issue 21). */
    public static final Duration KEY_MONITOR_INTERVAL = Duration.ofHours(1);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    private static final Logger LOG = LoggerFactory.getLogger(NexusClient.class);
    private static final HexFormat HEX = HexFormat.of();
    /** The device type a client reports when the app names none. */
    public static final String DEFAULT_DEVICE_TYPE = "sdk";
    /** At most this many pushes are opened in one transaction. */
    private static final int MAX_BATCH = 64;
    /**
     * At most this many received messages wait, committed, for the one disk sync after which they
     * are acknowledged and shown (see {@link #takeInbox}).
     */
    private static final int MAX_UNSYNCED = 1024;
    /** How long {@link #receiveBacklog} waits without hearing from the server. */
    private static final Duration BACKLOG_SILENCE = GatewayConnection.REPLY_TIMEOUT;

    private final VaultContents keys;
    private final String deviceType;
    private final LocalDevice me;
    private final Clock clock;
    private final ProfileStore store;
    private final DirectMessenger direct;
    private final ChannelMessenger channels;
    private final PrekeyStock prekeys;
    private final SecureRandom random = new SecureRandom();
    private final List<ClientListener> listeners = new CopyOnWriteArrayList<>();
    /** Runs every operation in order; the only thread that touches libsignal state. */
    private final ExecutorService worker = Executors.newSingleThreadExecutor(Thread.ofPlatform()
            .name("nexuslink-client").daemon(true).factory());
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform()
            .name("nexuslink-client-reconnect").daemon(true).factory());

    /** Pushes received and not yet handled, in arrival order; the worker takes them in batches. */
    private final ConcurrentLinkedQueue<Envelope> inbox = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean inboxScheduled = new AtomicBoolean();
    /** Texts waiting to be sent, in the order they were asked for; the worker takes them in batches. */
    private final ConcurrentLinkedQueue<Outgoing> outbox = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean outboxScheduled = new AtomicBoolean();

    // Written only on the worker thread; volatile for the status getters.
    private volatile CommunityApi api;
    private volatile Wire wire;
    private boolean stayConnected;
    private int failedAttempts;
    /** Whether this connection's {@code queue_empty} notice has been taken (see {@link #receiveBacklog}). */
    private boolean queueEmpty;
    /** The worker, while it waits in {@link #receiveBacklog}; pushes wake it. */
    private volatile Thread backlogWaiter;
    /** While a batch's transaction is open: what to tell the listeners once it commits. */
    private List<Consumer<ClientListener>> untold;
    /** Received and committed, not yet synced: what to tell the listeners after the sync. */
    private final List<Consumer<ClientListener>> unsyncedEvents = new ArrayList<>();
    /** Received and committed, not yet synced: the pushes to acknowledge after the sync. */
    private final List<Envelope> unsyncedPushes = new ArrayList<>();
    private volatile boolean closed;

    private NexusClient(Path profileDir, VaultContents keys, Clock clock, String deviceType) {
        this.keys = keys;
        this.deviceType = deviceType;
        this.clock = clock;
        this.me = new LocalDevice(keys.accountId(), keys.deviceKey(), keys.certificate());
        this.store = ProfileStore.open(profileDir.resolve(STORE_FILE), StoreKey.derive(keys.deviceKey()),
                keys.deviceKey().asIdentityKeyPair());
        this.direct = new DirectMessenger(store, me, clock,
                (account, device) -> tell(l -> l.onSafetyNumberChanged(account, device)),
                // Told at once, not after the batch: a refusal rolls the batch back.
                (account, refusal) -> listeners.forEach(l -> l.onKeyTransparencyWarning(account,
                        refusal.reason().name().toLowerCase(java.util.Locale.ROOT), refusal.getMessage())));
        this.channels = new ChannelMessenger(store, me, direct, clock);
        this.prekeys = new PrekeyStock(store, keys.deviceKey(), clock);
        Optional<ServerPublicKey> pinned = store.settings().get(COMMUNITY_SERVER_KEY).map(ServerPublicKey::of);
        store.settings().get(COMMUNITY_URL).map(b -> new String(b, java.nio.charset.StandardCharsets.UTF_8))
                .ifPresent(url -> this.api = pinned.map(key -> new CommunityApi(URI.create(url), key))
                        .orElseGet(() -> new CommunityApi(URI.create(url))));
        timer.scheduleWithFixedDelay(() -> submit(() -> {
            Wire current = wire;
            if (current != null) {
                monitorOwnKeys(current.api());
            }
        }), KEY_MONITOR_INTERVAL.toSeconds(), KEY_MONITOR_INTERVAL.toSeconds(), TimeUnit.SECONDS);
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
    public static NexusClient open(Path profileDir, VaultContents keys, Clock clock, String deviceType) throws IOException {
        Objects.requireNonNull(keys, "keys");
        if (deviceType.isEmpty() || deviceType.length() > 20) {
            throw new IllegalArgumentException("a device type has 1 to 20 characters: " + deviceType);
        }
        Files.createDirectories(profileDir);
        return new NexusClient(profileDir, keys, Objects.requireNonNull(clock, "clock"), deviceType);
    }

    /** This device. */
    public LocalDevice device() {
        return me;
    }

    /** The community this profile belongs to, once joined. */
    public Optional<URI> community() {
        return Optional.ofNullable(api).map(CommunityApi::server);
    }

    /** Adds a listener for incoming messages, revokes and connection changes. */
    public void addListener(ClientListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Joins a community with this profile's identity (the device that holds the account key) or,
     * for a linked device, registers nothing and just authenticates; then publishes prekeys. The
     * server's key is pinned as it presents it (trust on first use).
     *
     * @throws CommunityApi.RefusedException when the server refuses (e.g. {@code conflict}: the
     *     account is a member already, use {@link #connect})
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
        Objects.requireNonNull(expectedKey, "expectedKey");
        run(() -> {
            CommunityApi unpinned = new CommunityApi(server);
            ServerPublicKey presented = unpinned.serverInfo().publicKey();
            Optional<ServerPublicKey> expected = expectedKey.or(() -> Optional.ofNullable(api)
                    .filter(a -> a.server().equals(server)).flatMap(CommunityApi::pinnedKey));
            if (expected.isPresent() && !expected.get().equals(presented)) {
                throw new CommunityApi.UntrustedServerException("refusing to join " + server + ": it presents server key "
                        + presented.base64() + ", not the expected " + expected.get().base64());
            }
            CommunityApi candidate = unpinned.pinnedTo(presented);
            CommunityApi.Session session;
            if (keys.identity().isPresent()) {
                session = candidate.join(keys.identity().get(), keys.deviceKey(), keys.certificate(), displayName,
                        deviceType);
            } else {
                session = candidate.authenticate(me.accountId(), me.deviceId(), keys.deviceKey());
            }
            prekeys.publishAll(candidate, session.token());
            store.settings().put(COMMUNITY_URL, server.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            store.settings().put(COMMUNITY_SERVER_KEY, presented.bytes());
            api = candidate;
            LOG.atInfo().setMessage("joined community").addKeyValue("server", server)
                    .addKeyValue("server_key", presented.base64()).log();
            return null;
        });
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
        run(() -> {
            stayConnected = true;
            if (isConnected()) {
                return null;
            }
            openConnection();
            return null;
        });
    }

    /** Whether a connection is open now. */
    public boolean isConnected() {
        Wire current = wire;
        return current != null && !current.gateway().isClosed();
    }

    /**
     * Sends a text to a conversation ({@code dm:<account>} or {@code ch:<uuid>}), optionally as a
     * reply; returns the message as stored locally.
     */
    public StoredMessage sendText(String conversation, String text, Optional<String> replyTo) throws IOException {
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
    public CompletableFuture<StoredMessage> sendTextAsync(String conversation, String text, Optional<String> replyTo) {
        Objects.requireNonNull(conversation, "conversation");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(replyTo, "replyTo");
        if (closed) {
            throw new IllegalStateException("the client is closed");
        }
        Outgoing outgoing = new Outgoing(conversation, new Content.Text(text, replyTo), new CompletableFuture<>());
        outbox.add(outgoing);
        if (outboxScheduled.compareAndSet(false, true)) {
            try {
                worker.execute(this::takeOutbox);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                failOutbox(new IllegalStateException("the client is closed"));
            }
        }
        return outgoing.done();
    }

    /** Encrypts a file, uploads the ciphertext and sends its descriptor (kind 3). */
    public StoredMessage sendFile(String conversation, Path file, String mime, Optional<String> replyTo)
            throws IOException {
        return call(() -> {
            FileDescriptor descriptor = Attachments.send(file, mime, media(), random);
            return send(conversation, new Content.File(Bytes.of(descriptor.encode()), Optional.empty(), replyTo));
        });
    }

    /** Downloads, verifies and decrypts a received file into {@code targetDir}; returns its path. */
    public Path saveFile(StoredMessage message, Path targetDir) throws IOException {
        byte[] attachment = message.attachment().orElseThrow(() ->
                new IllegalArgumentException("message " + message.ref() + " carries no file"));
        return call(() -> {
            Files.createDirectories(targetDir);
            // A download needs only a token: no connection, prekey check or sync for it.
            String token = token();
            return Attachments.receive(FileDescriptor.decode(attachment), new MediaClient(requireApi().server(), () -> token),
                    targetDir);
        });
    }

    /**
     * Revokes a message: one's own (in a channel within the server's window, in a direct message
     * within {@link #DIRECT_REVOKE_WINDOW}), or anyone's in a channel one moderates.
     */
    public void revoke(String conversation, String ref) throws IOException {
        call(() -> {
            StoredMessage target = store.messages().find(conversation, ref).orElseThrow(() ->
                    new IllegalArgumentException("no message " + ref + " in " + conversation));
            if (conversation.startsWith("dm:")) {
                if (!target.senderAccount().equals(me.accountId())) {
                    throw new IllegalArgumentException("only the author may revoke a direct message");
                }
                // The recipients enforce the window (applyRevoke); a late revoke would hide the
                // message on this device only, so it is refused here too.
                if (!withinDirectRevokeWindow(target, clock.instant())) {
                    throw new IllegalArgumentException("the revoke window of " + DIRECT_REVOKE_WINDOW.toMinutes()
                            + " minutes for message " + ref + " has passed");
                }
            }
            send(conversation, new Content.Revoke(ref));
            store.messages().markRevoked(conversation, ref);
            return null;
        });
    }

    /** The latest {@code limit} messages of a conversation, oldest first, revoked ones marked. */
    public List<StoredMessage> history(String conversation, int limit) throws IOException {
        return call(() -> store.messages().history(conversation, limit));
    }

    /** The conversations this profile has, most recent first. */
    public List<Conversation> conversations() throws IOException {
        return call(() -> store.conversations().list());
    }

    /** The channels this account may read on the community, as the server lists them. */
    public JsonNode channels() throws IOException {
        return call(() -> requireApi().get("/api/v1/channels", token()));
    }

    /** This account's active devices, as the server lists them. */
    public JsonNode devices() throws IOException {
        return call(() -> requireApi().get("/api/v1/devices", token()));
    }

    /**
     * Removes one of this account's devices from the community. This device may always remove
     * itself; removing another needs the account identity key, which signs a revocation of the
     * device's certificate (as the server lists it, checked against the account first). The
     * revocation is kept locally too, so this client never writes to that key again whatever the
     * server says later.
     *
     * @throws IOException if this profile has no identity key and the device is another one, or
     *     the server refuses (the last device, for one)
     */
    public void removeDevice(int deviceId) throws IOException {
        call(() -> {
            if (deviceId == me.deviceId()) {
                OwnKeyMonitor.expect(store.settings(), keys.accountId(), keys.deviceKey().publicKeyBytes());
                requireApi().delete("/api/v1/devices/" + deviceId, token());
                return null;
            }
            AccountIdentity identity = keys.identity().orElseThrow(() -> new IOException("only the device holding "
                    + "the account's identity key can remove another device; this one can remove only itself"));
            String token = token();
            DeviceCertificate certificate = listedCertificate(deviceId, token);
            DeviceRevocation revocation = identity.revoke(certificate, clock.instant());
            OwnKeyMonitor.expect(store.settings(), keys.accountId(), certificate.devicePublicKeyBytes());
            requireApi().delete("/api/v1/devices/" + deviceId, java.util.Map.of("revocation",
                    java.util.Base64.getEncoder().encodeToString(revocation.encoded())), token);
            direct.learn(revocation);
            direct.forgetDevice(me.accountId(), deviceId);
            return null;
        });
    }

    /** The certificate the server lists for one of this account's devices, verified against the account. */
    private DeviceCertificate listedCertificate(int deviceId, String token) throws IOException, InterruptedException {
        for (JsonNode d : requireApi().get("/api/v1/devices", token).path("devices")) {
            if (d.path("device_id").asInt() == deviceId && d.path("certificate").isTextual()) {
                try {
                    DeviceCertificate certificate = DeviceCertificate.verify(
                            java.util.Base64.getDecoder().decode(d.path("certificate").asText()), me.account(), clock);
                    if (certificate.deviceId().value() == deviceId) {
                        return certificate;
                    }
                } catch (InvalidCertificateException | IllegalArgumentException e) {
                    throw new IOException("the server lists device " + deviceId + " with a certificate that does not "
                            + "verify: " + e.getMessage(), e);
                }
            }
        }
        throw new IOException("the account has no active device " + deviceId);
    }

    /** Registers a device certified by this account's identity key (see {@code nexuslink device link}). */
    public void registerDevice(org.nexuslink.crypto.identity.DeviceCertificate certificate) throws IOException {
        call(() -> {
            OwnKeyMonitor.expect(store.settings(), keys.accountId(), certificate.devicePublicKeyBytes());
            requireApi().post("/api/v1/devices/register", java.util.Map.of("device_certificate",
                    java.util.Base64.getEncoder().encodeToString(certificate.encoded()), "device_type", deviceType,
                    "os", CommunityApi.operatingSystem()), token());
            direct.refreshOwnDevices(requireApi(), token());
            return null;
        });
    }

    /** A REST GET as this device (docs/api.md), for calls the client has no method for. */
    public JsonNode get(String path) throws IOException {
        return call(() -> requireApi().get(path, token()));
    }

    /** A REST POST of a JSON body as this device. */
    public JsonNode post(String path, Object body) throws IOException {
        return call(() -> requireApi().post(path, body, token()));
    }

    /** A REST PUT of a JSON body as this device. */
    public JsonNode put(String path, Object body) throws IOException {
        return call(() -> requireApi().put(path, body, token()));
    }

    /** A REST DELETE as this device. */
    public JsonNode delete(String path) throws IOException {
        return call(() -> requireApi().delete(path, token()));
    }

    /** The local store (read-only uses; writes go through the client). */
    public ProfileStore store() {
        return store;
    }

    /** Stops receiving, closes the connection and the local store. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        try {
            call(() -> {
                stayConnected = false;
                if (wire != null) {
                    wire.gateway().close();
                    wire = null;
                }
                return null;
            });
        } catch (IOException e) {
            LOG.atDebug().setMessage("closing the connection failed").addKeyValue("error", e.toString()).log();
        }
        closed = true;
        timer.shutdownNow();
        worker.shutdown();
        try {
            worker.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        failOutbox(new IllegalStateException("the client is closed"));
        store.close();
    }

    // ---- on the worker thread ----

    /** A text waiting in the outbox, and who waits for it. */
    private record Outgoing(String conversation, Content content, CompletableFuture<StoredMessage> done) {}

    /** Sends what the outbox holds, up to {@link #MAX_BATCH} texts at a time. */
    private void takeOutbox() {
        outboxScheduled.set(false);
        List<Outgoing> batch = new ArrayList<>();
        Outgoing next;
        while ((next = outbox.poll()) != null) {
            batch.add(next);
            if (batch.size() == MAX_BATCH) {
                sendBatch(batch);
                batch = new ArrayList<>();
            }
        }
        sendBatch(batch);
    }

    /**
     * Consecutive direct messages go out together ({@link #sendDirect}), and so do consecutive
     * channel messages ({@link #sendChannel}).
     */
    private void sendBatch(List<Outgoing> batch) {
        int i = 0;
        while (i < batch.size()) {
            String kind = kind(batch.get(i).conversation());
            int end = i + 1;
            while (end < batch.size() && !kind.isEmpty() && kind.equals(kind(batch.get(end).conversation()))) {
                end++;
            }
            sendRun(batch.subList(i, end));
            i = end;
        }
    }

    /** Sends messages to conversations of one kind together; completes each one's future. */
    private void sendRun(List<Outgoing> run) {
        String conversation = run.getFirst().conversation();
        switch (kind(conversation)) {
            case "dm:" -> sendDirect(run);
            case "ch:" -> sendChannel(run);
            default -> run.forEach(o -> o.done().completeExceptionally(new IllegalArgumentException(
                    "a conversation is dm:<account id> or ch:<channel uuid>, not " + o.conversation())));
        }
    }

    /** {@code dm:} or {@code ch:} for a conversation that can go in a batch of its kind, else empty. */
    private static String kind(String conversation) {
        if (conversation.startsWith("dm:")) {
            return "dm:";
        }
        if (conversation.startsWith("ch:")) {
            try {
                UUID.fromString(conversation.substring(3));
                return "ch:";
            } catch (IllegalArgumentException e) {
                return ""; // sendRun says what is wrong with it
            }
        }
        return "";
    }

    /**
     * Sends several channel messages for one commit ({@link ChannelMessenger#sendAll}) and files
     * the ones the server took in one transaction.
     */
    private void sendChannel(List<Outgoing> batch) {
        try {
            Wire w = requireWire();
            Instant now = clock.instant();
            List<Outgoing> run = new ArrayList<>(batch.size());
            List<ChannelMessenger.Outgoing> events = new ArrayList<>(batch.size());
            for (Outgoing o : batch) {
                try {
                    events.add(new ChannelMessenger.Outgoing(UUID.fromString(o.conversation().substring(3)),
                            Payload.of(o.content(), now), tags(o.content())));
                    run.add(o);
                } catch (NumberFormatException e) {
                    o.done().completeExceptionally(new IllegalArgumentException(
                            "a channel message is referred to by its number, not " + e.getMessage(), e));
                }
            }
            List<CompletableFuture<ChannelMessenger.Sent>> sent = channels.sendAll(w, events);
            fileSent(run, sent, (k, taken) -> {
                String conversation = run.get(k).conversation();
                StoredMessage message = outgoing(conversation, Long.toString(taken.mid()), run.get(k).content(), now,
                        taken.time());
                record(message, ConversationType.CHANNEL, conversation.substring(3));
                store.cursors().put(api.server().toString(), conversation, taken.mid());
                return message;
            });
        } catch (Exception e) {
            batch.forEach(o -> o.done().completeExceptionally(e));
        }
    }

    /**
     * Files, in one transaction, the messages of a run that the server took ({@code file} makes
     * and records each one from what its send returned), then completes every waiting send: with
     * its stored message, or with why it failed.
     */
    private <R> void fileSent(List<Outgoing> run, List<CompletableFuture<R>> results,
            java.util.function.BiFunction<Integer, R, StoredMessage> file) {
        List<StoredMessage> stored = new ArrayList<>(run.size());
        store.transaction(() -> {
            for (int k = 0; k < run.size(); k++) {
                CompletableFuture<R> result = results.get(k);
                stored.add(result.state() == Future.State.SUCCESS ? file.apply(k, result.resultNow()) : null);
            }
        });
        for (int k = 0; k < run.size(); k++) {
            if (stored.get(k) != null) {
                run.get(k).done().complete(stored.get(k));
            } else {
                run.get(k).done().completeExceptionally(results.get(k).exceptionNow());
            }
        }
    }

    /**
     * Sends several direct messages for one commit ({@link DirectMessenger#sendAll}) and files the
     * ones the server took in one transaction.
     */
    private void sendDirect(List<Outgoing> run) {
        try {
            Wire w = requireWire();
            Instant now = clock.instant();
            List<DirectMessenger.Outgoing> messages = new ArrayList<>(run.size());
            for (Outgoing o : run) {
                String peer = o.conversation().substring(3);
                byte[] id = new byte[16];
                random.nextBytes(id);
                messages.add(new DirectMessenger.Outgoing(peer, Bytes.of(id),
                        new Payload(o.content(), now, Optional.of(peer), Optional.empty())));
            }
            List<CompletableFuture<Instant>> times = direct.sendAll(w, messages);
            fileSent(run, times, (k, time) -> {
                StoredMessage message = outgoing(run.get(k).conversation(),
                        HEX.formatHex(messages.get(k).messageId().toByteArray()), run.get(k).content(), now, time);
                record(message, ConversationType.DIRECT, messages.get(k).recipient());
                return message;
            });
        } catch (Exception e) {
            run.forEach(o -> o.done().completeExceptionally(e));
        }
    }

    private void failOutbox(Exception why) {
        Outgoing left;
        while ((left = outbox.poll()) != null) {
            left.done().completeExceptionally(why);
        }
    }

    /** Sends one message the way a batch is sent (a batch of one) and returns it as stored. */
    private StoredMessage send(String conversation, Content content) throws Exception {
        Outgoing alone = new Outgoing(conversation, content, new CompletableFuture<>());
        sendRun(List.of(alone));
        if (alone.done().isCompletedExceptionally()) {
            Throwable cause = alone.done().exceptionNow();
            if (cause instanceof Exception e) {
                throw e;
            }
            throw (Error) cause;
        }
        return alone.done().join();
    }

    /** A channel message's tags: the reply's, and the revoke's target. */
    private static List<Tag> tags(Content content) {
        List<Tag> tags = new ArrayList<>();
        replyTo(content).ifPresent(ref -> tags.add(new Tag.Reply(new MessageId(Long.parseLong(ref)))));
        if (content instanceof Content.Revoke revoke) {
            tags.add(new Tag.Revoke(new MessageId(Long.parseLong(revoke.target()))));
        }
        return tags;
    }

    private static Optional<String> replyTo(Content content) {
        return switch (content) {
            case Content.Text text -> text.replyTo();
            case Content.File file -> file.replyTo();
            case Content.Revoke revoke -> Optional.empty();
            case Content.SenderKey key -> Optional.empty();
        };
    }

    private StoredMessage outgoing(String conversation, String ref, Content content, Instant sentAt, Instant serverTime) {
        return message(conversation, ref, me.accountId(), me.deviceId(), Direction.OUT, content, sentAt, serverTime);
    }

    private StoredMessage message(String conversation, String ref, String sender, int device, Direction direction,
            Content content, Instant sentAt, Instant receivedAt) {
        String text = switch (content) {
            case Content.Text t -> t.text();
            case Content.File f -> f.caption().orElse("");
            case Content.Revoke r -> "";
            case Content.SenderKey k -> "";
        };
        Optional<byte[]> attachment = content instanceof Content.File f
                ? Optional.of(f.descriptor().toByteArray()) : Optional.empty();
        return new StoredMessage(conversation, ref, sender, device, direction, content.kind(), sentAt, receivedAt,
                text, replyTo(content), attachment, false);
    }

    /** Stores a message (a duplicate is dropped) and makes sure its conversation exists. */
    private boolean record(StoredMessage message, ConversationType type, String title) {
        if (store.conversations().find(message.conversationId()).isEmpty()) {
            store.conversations().save(new Conversation(message.conversationId(), type, title, clock.instant()));
            if (type == ConversationType.DIRECT && store.contacts().find(title).isEmpty()) {
                // Someone one writes with becomes an (unverified) contact; verifying is the user's act.
                store.contacts().save(new org.nexuslink.client.store.Contact(title, Optional.empty(), false,
                        Optional.empty()));
            }
        }
        return store.messages().insertIfAbsent(message);
    }

    private void openConnection() throws Exception {
        takeInbox(); // what the last connection left, its queue_empty included, is not this one's
        queueEmpty = false;
        store.seen().prune(clock.instant());
        CommunityApi community = pinnedApi();
        CommunityApi.Session session = community.authenticate(me.accountId(), me.deviceId(), keys.deviceKey());
        GatewayConnection gateway = GatewayConnection.open(community.http(), community.webSocketUri(), session.token(),
                this::received,
                (code, reason) -> submit(() -> onClosed(code, reason)));
        wire = new Wire(community, session.token(), gateway);
        failedAttempts = 0;
        String replenished = prekeys.replenish(community, session.token());
        LOG.atDebug().setMessage("prekeys checked").addKeyValue("uploaded", replenished).log();
        direct.refreshOwnDevices(community, session.token());
        monitorOwnKeys(community);
        receiveBacklog();
        catchUpChannels();
        listeners.forEach(l -> l.onConnection(true));
    }

    /**
     * Issue 21's monitoring: checks this account's key history in the server's log, on connect
     * and every {@link #KEY_MONITOR_INTERVAL}, and warns of changes this device did not make.
     * A failure to check is a warning, never a reason to stay offline.
     */
    private void monitorOwnKeys(CommunityApi community) throws InterruptedException {
        String account = me.accountId().toString();
        try {
            OwnKeyMonitor monitor = new OwnKeyMonitor(direct.transparency().verifier(community),
                    new LogClient(community), store.settings(), keys.accountId(), keys.deviceKey().publicKeyBytes());
            for (OwnKeyMonitor.Warning w : monitor.check()) {
                listeners.forEach(l -> l.onKeyTransparencyWarning(account, "own_keys_changed", w.message()));
            }
            direct.transparency().checkGossip(community);
        } catch (KeyTransparencyException e) {
            direct.transparency().warn(account, e);
        } catch (IOException e) {
            LOG.atWarn().setMessage("key log check failed").addKeyValue("error", e.toString()).log();
        }
    }

    /**
     * Takes the direct messages queued while this device was offline, which the server pushes
     * right after the connection opens, until its {@code queue_empty} notice says they are all
     * through, so {@link #connect} returns with them stored. They are received in batches like any
     * pushes. Gives up when the connection closes, or when neither a push nor the notice comes for
     * {@link #BACKLOG_SILENCE}.
     */
    private void receiveBacklog() throws IOException {
        backlogWaiter = Thread.currentThread();
        try {
            long lastHeard = System.nanoTime();
            while (true) {
                if (!inbox.isEmpty()) {
                    takeInbox();
                    lastHeard = System.nanoTime();
                }
                if (queueEmpty) {
                    return;
                }
                if (wire == null || wire.gateway().isClosed()) {
                    throw new IOException("the connection closed before the queued messages were through");
                }
                if (System.nanoTime() - lastHeard > BACKLOG_SILENCE.toNanos()) {
                    throw new IOException("the server pushed neither a queued message nor queue_empty for "
                            + BACKLOG_SILENCE.toSeconds() + " s");
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50)); // received() unparks at once
            }
        } finally {
            backlogWaiter = null;
        }
    }

    private void catchUpChannels() throws Exception {
        for (JsonNode channel : wire.api().get("/api/v1/channels", wire.token()).path("channels")) {
            UUID id = UUID.fromString(channel.path("id").asText());
            String conversation = "ch:" + id;
            String name = channel.path("name").asText();
            Optional<Conversation> known = store.conversations().find(conversation);
            if (known.isEmpty() || !known.get().title().equals(name)) {
                // Channels first seen in a message are titled by their id; the list names them.
                store.conversations().save(new Conversation(conversation, ConversationType.CHANNEL, name,
                        known.map(Conversation::createdAt).orElse(clock.instant())));
            }
            boolean more = true;
            while (more) {
                long after = store.cursors().get(api.server().toString(), conversation);
                CatchUpResult page = (CatchUpResult) wire.gateway().request(Command.CATCH_UP, new CatchUpRequest(
                        ConversationId.of(id), after == 0 ? Optional.empty() : Optional.of(new MessageId(after)), 200))
                        .body();
                if (!receiveEvents(page.events())) {
                    LOG.atWarn().setMessage("channel catch-up stopped at an event that cannot be stored; it is tried again "
                            + "at the next connect").addKeyValue("channel", id).log();
                    break;
                }
                more = page.more() && !page.events().isEmpty();
            }
        }
    }

    /**
     * Receives a page of channel events as one batch; if that fails for another reason than a
     * rejected event, one by one, stopping at the first that fails alone (each moves the cursor,
     * so the channel's catch-up resumes there next time and nothing is skipped).
     *
     * @return whether every event was taken
     */
    private boolean receiveEvents(List<Event> events) {
        try {
            try {
                inBatch(() -> events.forEach(this::receiveEvent));
                return true;
            } catch (RuntimeException e) {
                LOG.atWarn().setMessage("catch-up page failed, receiving one by one").addKeyValue("error", e.toString()).log();
            }
            for (Event event : events) {
                try {
                    inBatch(() -> receiveEvent(event));
                } catch (RuntimeException e) {
                    LOG.atWarn().setMessage("event not received").addKeyValue("error", e.toString()).log();
                    return false;
                }
            }
            return true;
        } finally {
            syncReceived(); // a page of 200 events is one sync, as before
        }
    }

    /** On the connection's thread: queue the push and make sure the worker will take it. */
    private void received(Envelope envelope) {
        inbox.add(envelope);
        Thread waiter = backlogWaiter;
        if (waiter != null) {
            LockSupport.unpark(waiter); // the worker is taking the backlog itself (receiveBacklog)
        }
        if (inboxScheduled.compareAndSet(false, true)) {
            submit(this::takeInbox);
        }
    }

    /**
     * Handles what the inbox holds, in order. Consecutive messages are opened in one transaction
     * (each in a savepoint of its own, so one that fails is undone alone), up to
     * {@link #MAX_BATCH}. Those transactions are not synced one by one: when the inbox is empty
     * (or {@link #MAX_UNSYNCED} messages wait), one disk sync makes all of them durable, and only
     * then are their messages acknowledged and shown. A backlog costs one sync per
     * {@link #MAX_UNSYNCED} messages instead of one per batch; a lone message still one; each is
     * on disk before its ack.
     */
    private void takeInbox() {
        inboxScheduled.set(false);
        List<Envelope> batch = new ArrayList<>();
        Envelope next;
        while ((next = inbox.poll()) != null) {
            if (next.command() == Command.DIRECT_PUSH || next.command() == Command.EVENT_PUSH) {
                batch.add(next);
                if (batch.size() < MAX_BATCH) {
                    continue;
                }
                receiveBatch(batch);
                batch = new ArrayList<>();
            } else {
                receiveBatch(batch);
                batch = new ArrayList<>();
                syncReceived(); // listeners hear of the messages before the notice that followed them
                try {
                    onOther(next);
                } catch (Exception e) {
                    LOG.atWarn().setMessage("client task failed").addKeyValue("error", e.toString()).log();
                }
            }
        }
        receiveBatch(batch);
        syncReceived();
    }

    /**
     * Receives {@code pushes} in one transaction, to be acknowledged after the next sync
     * ({@link #syncReceived}). If something other than a rejected message fails, they are taken
     * again one by one, so only the one that fails stays unacknowledged (the server offers it
     * again) and the others land.
     */
    private void receiveBatch(List<Envelope> pushes) {
        if (pushes.isEmpty()) {
            return;
        }
        try {
            inBatch(() -> pushes.forEach(this::receive));
            unsyncedPushes.addAll(pushes);
        } catch (RuntimeException e) {
            if (pushes.size() == 1) {
                LOG.atWarn().setMessage("message not received").addKeyValue("error", e.toString()).log();
                return;
            }
            LOG.atWarn().setMessage("batch failed, receiving one by one").addKeyValue("error", e.toString()).log();
            for (Envelope push : pushes) {
                receiveBatch(List.of(push));
            }
        }
        // Outside the try: a failed sync is no reason to receive the batch again.
        if (unsyncedPushes.size() >= MAX_UNSYNCED) {
            syncReceived();
        }
    }

    private void receive(Envelope push) {
        switch (push.body()) {
            case DirectPush direct -> receiveDirect(direct);
            case Event event -> receiveEvent(event);
            default -> throw new IllegalArgumentException("not a message push: " + push.command());
        }
    }

    private void acknowledge(Envelope push) {
        Wire current = wire;
        if (current == null) {
            return; // the connection dropped: the server offers unacknowledged messages again
        }
        Ack ack = push.body() instanceof DirectPush direct ? new Ack(Optional.of(new MessageId(direct.entry())), Optional.empty())
                : Ack.EMPTY;
        current.gateway().send(Command.ACK, push.seq(), ack);
    }

    /**
     * Runs {@code body} in one store transaction, committed without waiting for the disk
     * ({@link ProfileStore#transactionSyncedLater}), and keeps what it received to tell the
     * listeners after {@link #syncReceived}; if it fails, nothing is told (nothing was stored).
     */
    private void inBatch(Runnable body) {
        untold = new ArrayList<>();
        List<Consumer<ClientListener>> events;
        try {
            store.transactionSyncedLater(body);
            events = untold;
        } finally {
            untold = null;
        }
        unsyncedEvents.addAll(events);
    }

    /**
     * Syncs the store (one disk sync for every batch received since the last), then tells the
     * listeners what those batches received and acknowledges their pushes. If the sync fails, the
     * pushes stay unacknowledged: the server offers them again at the next connection, and the
     * ones that did reach the disk are recognised then as already taken.
     */
    private void syncReceived() {
        if (unsyncedEvents.isEmpty() && unsyncedPushes.isEmpty()) {
            return;
        }
        List<Consumer<ClientListener>> events = List.copyOf(unsyncedEvents);
        List<Envelope> pushes = List.copyOf(unsyncedPushes);
        unsyncedEvents.clear();
        unsyncedPushes.clear();
        store.sync();
        events.forEach(this::tell);
        pushes.forEach(this::acknowledge);
    }

    /** Tells every listener now, or after the open batch commits. */
    private void tell(Consumer<ClientListener> event) {
        if (untold != null) {
            untold.add(event);
        } else {
            listeners.forEach(event);
        }
    }

    private void onOther(Envelope envelope) throws Exception {
        switch (envelope.command()) {
            case NOTICE -> onNotice((Notice) envelope.body());
            case PING -> {
                if (wire != null) {
                    wire.gateway().send(Command.PONG, envelope.seq(), org.nexuslink.protocol.Body.Empty.INSTANCE);
                }
            }
            default -> LOG.atDebug().setMessage("ignored envelope").addKeyValue("command", envelope.command()).log();
        }
    }

    private void onNotice(Notice notice) throws Exception {
        switch (notice.type()) {
            case Notice.PREKEYS_LOW -> {
                if (wire != null) {
                    prekeys.replenish(wire.api(), wire.token());
                }
            }
            case Notice.EVENT_DELETED -> eventDeleted(notice.detail());
            case Notice.QUEUE_EMPTY -> queueEmpty = true;
            case Notice.RESYNC -> {
                if (wire != null) {
                    catchUpChannels(); // the server's nodes lost each other a while: events may have been missed
                }
            }
            case Notice.DEVICE_REMOVED -> {
                if (wire != null) {
                    direct.refreshOwnDevices(wire.api(), wire.token());
                }
            }
            default -> { }
        }
        listeners.forEach(l -> l.onNotice(notice.type(), notice.detail()));
    }

    /** Reads {@code cid=<hex>,mid=<mid>} of an {@code event_deleted} notice and hides that event. */
    private void eventDeleted(String detail) {
        String cid = null;
        long mid = 0;
        for (String part : detail.split(",")) {
            if (part.startsWith("cid=")) {
                cid = part.substring(4);
            } else if (part.startsWith("mid=")) {
                mid = Long.parseLong(part.substring(4));
            }
        }
        if (cid != null && mid > 0) {
            hideDeleted(ChannelMessenger.conversationId(new ConversationId(Bytes.fromHex(cid))), mid);
        }
    }

    /**
     * A moderator deleted a channel event's content on the server: the local copy is erased too
     * (the store keeps the row, marked revoked, without its text or file).
     */
    private void hideDeleted(String conversation, long mid) {
        String ref = Long.toString(mid);
        if (store.messages().markRevoked(conversation, ref)) {
            tell(l -> l.onRevoked(conversation, ref, "moderator"));
        }
    }

    private void onClosed(int code, String reason) {
        wire = null;
        listeners.forEach(l -> l.onConnection(false));
        if (code == 4001) {
            stayConnected = false;
            listeners.forEach(l -> l.onNotice("device_removed", reason));
            return;
        }
        scheduleReconnect();
    }

    private void scheduleReconnect() {
        if (!stayConnected || closed) {
            return;
        }
        failedAttempts++;
        long delay = backoff(failedAttempts, ThreadLocalRandom.current().nextDouble()).toMillis();
        LOG.atInfo().setMessage("reconnecting").addKeyValue("attempt", failedAttempts).addKeyValue("delay_ms", delay).log();
        timer.schedule(() -> submit(() -> {
            if (!stayConnected || wire != null) {
                return;
            }
            try {
                openConnection();
            } catch (IOException e) {
                LOG.atInfo().setMessage("reconnect failed").addKeyValue("error", e.getMessage()).log();
                if (wire != null) {
                    wire.gateway().close();
                    wire = null;
                }
                scheduleReconnect();
            }
        }), delay, TimeUnit.MILLISECONDS);
    }

    /**
     * Exponential backoff with full jitter (a uniformly random wait up to the exponential bound),
     * so many clients that lost the same server do not come back in step.
     */
    static Duration backoff(int attempt, double jitter) {
        long bound = MIN_BACKOFF.toMillis() << Math.min(attempt - 1, 20);
        bound = Math.min(bound, MAX_BACKOFF.toMillis());
        return Duration.ofMillis(Math.max(MIN_BACKOFF.toMillis() / 2, (long) (bound * jitter)));
    }

    /** Opens and files one direct message; runs inside a batch's transaction. */
    private void receiveDirect(DirectPush push) {
        if (!store.seen().mark(push.sender(), push.messageId().toByteArray(), clock.instant())) {
            return; // taken before: a copy delivered again
        }
        try {
            // Marking it seen, decrypting and filing the message commit together, before the ack
            // (a failure here rolls the batch back, the mark with it). Only opening can refuse a
            // message; what it changed is undone then, alone, and the mark stays.
            Received received = store.inSavepoint(() -> direct.open(push));
            apply(received);
        } catch (RejectedMessageException e) {
            LOG.atWarn().setMessage("direct message rejected").addKeyValue("sender", push.sender())
                    .addKeyValue("device", push.senderDevice()).addKeyValue("reason", e.getMessage()).log();
            tell(l -> l.onRejected(push.sender(), e.getMessage(), e.identityChanged()));
        }
    }

    /** Opens and files one channel event; runs inside a batch's transaction. */
    private void receiveEvent(Event event) {
        String conversation = ChannelMessenger.conversationId(event.cid());
        long mid = event.mid().orElseThrow().value();
        if (event.flags().contains(org.nexuslink.protocol.Flags.DELETED)) {
            hideDeleted(conversation, mid);
            advanceCursor(conversation, mid);
            return;
        }
        try {
            if (!channels.isOwn(event) && store.messages().find(conversation, Long.toString(mid)).isEmpty()) {
                store.inSavepoint(() -> channels.open(event)).ifPresent(this::apply);
            }
        } catch (RejectedMessageException e) {
            LOG.atWarn().setMessage("channel event rejected").addKeyValue("conversation", conversation)
                    .addKeyValue("mid", mid).addKeyValue("reason", e.getMessage()).log();
        }
        advanceCursor(conversation, mid);
    }

    private void advanceCursor(String conversation, long mid) {
        if (api != null) {
            store.cursors().put(api.server().toString(), conversation, mid);
        }
    }

    /** Files a decrypted message in the local store and tells the listeners. */
    private void apply(Received r) {
        Payload payload = r.payload();
        switch (payload.content()) {
            case Content.SenderKey key -> {
                try {
                    channels.accept(r, key);
                    channels.retryWaiting().forEach(this::apply);
                } catch (RejectedMessageException e) {
                    LOG.atWarn().setMessage("sender key rejected").addKeyValue("sender", r.senderAccount()).log();
                }
            }
            case Content.Revoke revoke -> applyRevoke(r, revoke);
            case Content.Text text -> deliver(r);
            case Content.File file -> deliver(r);
        }
    }

    private void deliver(Received r) {
        boolean channel = r.conversationId().startsWith("ch:");
        Direction direction = r.senderAccount().equals(me.accountId()) ? Direction.OUT : Direction.IN;
        StoredMessage message = message(r.conversationId(), r.ref(), r.senderAccount(), r.senderDevice(), direction,
                r.payload().content(), r.payload().sentAt(), r.serverTime());
        String title = r.conversationId().substring(3);
        if (record(message, channel ? ConversationType.CHANNEL : ConversationType.DIRECT, title)) {
            tell(l -> l.onMessage(message));
        }
    }

    private void applyRevoke(Received r, Content.Revoke revoke) {
        Optional<StoredMessage> target = store.messages().find(r.conversationId(), revoke.target());
        if (target.isEmpty()) {
            return;
        }
        boolean own = target.get().senderAccount().equals(r.senderAccount());
        // In a direct message only the client can enforce the rule: the author, within the window.
        // In a channel the server enforced it (author in time, or a moderator) on the [6, mid] tag,
        // which ChannelMessenger made sure is the target inside; another author's message is
        // withdrawn only if the revoker may manage the channel by the server's lists.
        boolean allowed = r.conversationId().startsWith("ch:")
                ? own || mayManage(UUID.fromString(r.conversationId().substring(3)), r.senderAccount())
                : own && withinDirectRevokeWindow(target.get(), r.serverTime());
        if (!allowed) {
            LOG.atWarn().setMessage("revoke refused").addKeyValue("conversation", r.conversationId())
                    .addKeyValue("ref", revoke.target()).addKeyValue("by", r.senderAccount()).log();
            return;
        }
        if (store.messages().markRevoked(r.conversationId(), revoke.target())) {
            tell(l -> l.onRevoked(r.conversationId(), revoke.target(), r.senderAccount()));
        }
    }

    /** Whether {@code account} may revoke others' events in {@code channel}; false when it cannot be told. */
    private boolean mayManage(UUID channel, String account) {
        Wire current = wire;
        if (current == null) {
            return false;
        }
        try {
            return channels.mayManage(current, channel, account);
        } catch (IOException e) {
            LOG.atWarn().setMessage("cannot check the revoker's role").addKeyValue("channel", channel)
                    .addKeyValue("error", e.getMessage()).log();
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Whether a direct message may still be revoked at {@code now}: within the window of its
     * server time, which the wire gives in whole seconds (hence the extra second).
     */
    private static boolean withinDirectRevokeWindow(StoredMessage target, Instant now) {
        return !now.isAfter(target.receivedAt().plus(DIRECT_REVOKE_WINDOW).plusSeconds(1));
    }

    // ---- plumbing ----

    private CommunityApi requireApi() {
        if (api == null) {
            throw new IllegalStateException("this profile has not joined a community; run `nexuslink community join <url>`");
        }
        return api;
    }

    private Wire requireWire() throws Exception {
        if (wire == null || wire.gateway().isClosed()) {
            wire = null;
            openConnection();
        }
        return wire;
    }

    private String token() throws Exception {
        if (wire != null) {
            return wire.token();
        }
        return pinnedApi().authenticate(me.accountId(), me.deviceId(), keys.deviceKey()).token();
    }

    /**
     * The community's API with its server key pinned. A profile that joined before servers had
     * keys pins the key its server presents now, once (trust on first use), and keeps it.
     */
    private CommunityApi pinnedApi() throws Exception {
        CommunityApi current = requireApi();
        if (current.pinnedKey().isPresent()) {
            return current;
        }
        ServerPublicKey presented = current.serverInfo().publicKey();
        store.settings().put(COMMUNITY_SERVER_KEY, presented.bytes());
        api = current.pinnedTo(presented);
        LOG.atInfo().setMessage("server key pinned").addKeyValue("server", current.server())
                .addKeyValue("server_key", presented.base64()).log();
        return api;
    }

    /** The community server's key this profile pinned, once it has. */
    public Optional<ServerPublicKey> serverKey() {
        return Optional.ofNullable(api).flatMap(CommunityApi::pinnedKey);
    }

    private MediaClient media() throws Exception {
        Wire w = requireWire();
        return new MediaClient(w.api().server(), w::token);
    }

    private interface Task<T> {
        T run() throws Exception;
    }

    private interface Action {
        void run() throws Exception;
    }

    private void submit(Action task) {
        if (closed || worker.isShutdown()) {
            return;
        }
        try {
            worker.submit(() -> {
                try {
                    task.run();
                } catch (Exception e) {
                    LOG.atWarn().setMessage("client task failed").addKeyValue("error", e.toString()).log();
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing
        }
    }

    /**
     * Waits for what the worker does; its {@link IOException} or {@link RuntimeException} is
     * thrown as it is, anything else as an {@link IOException}.
     */
    private static <T> T await(Future<T> result) throws IOException {
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
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

    private <T> T call(Task<T> task) throws IOException {
        if (closed) {
            throw new IllegalStateException("the client is closed");
        }
        return await(worker.submit((Callable<T>) task::run));
    }

    private void run(Task<Void> task) throws IOException {
        call(task);
    }
}
