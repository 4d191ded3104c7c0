// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.app;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.nexuslink.cli.client.ClientEnvironment;
import org.nexuslink.cli.client.ClientFailure;
import org.nexuslink.cli.client.DeviceLink;
import org.nexuslink.cli.client.ProfileLock;
import org.nexuslink.cli.client.ProfileWipe;
import org.nexuslink.cli.id.NewIdentity;
import org.nexuslink.client.NexusClient;
import org.nexuslink.crypto.identity.DeviceId;
import org.nexuslink.crypto.identity.InvalidMnemonicException;
import org.nexuslink.crypto.identity.LinkRequest;
import org.nexuslink.crypto.identity.Mnemonic;
import org.nexuslink.crypto.keystore.FileKeyVault;
import org.nexuslink.crypto.keystore.KeystoreException;
import org.nexuslink.crypto.keystore.Passphrase;
import org.nexuslink.crypto.keystore.VaultContents;
import org.nexuslink.crypto.keystore.VaultSummary;
import org.nexuslink.crypto.keystore.WipeReport;
import org.nexuslink.crypto.server.ServerPublicKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The profile the local app works on, and its life: empty, locked (a keystore, no keys in
 * memory) or unlocked (keys and an open {@link NexusClient}). Holds the profile lock for as long
 * as it lives, so no CLI command works on the profile meanwhile.
 *
 * <p>Thread-safe: {@link #lock} guards the state changes (create, unlock, lock, wipe); the client
 * itself is thread-safe, so reads take a snapshot with {@link #unlocked()} and work outside it.
 */
final class AppSession implements AutoCloseable {
    /** The kind of device the app reports (what {@code device list} shows). */
    static final String DEVICE_TYPE = "app";
    /** Where the display name given at join is kept, in the profile's sealed settings. */
    static final String DISPLAY_NAME_SETTING = "app.display-name";

    private static final Logger LOG = LoggerFactory.getLogger(AppSession.class);
    private static final Duration RECONNECT_PAUSE = Duration.ofSeconds(5);

    /** An unlocked profile: its keys and its open client. */
    record Unlocked(VaultContents keys, NexusClient client, ManagedChannels managed) {}

    private final Path profileDir;
    private final ClientEnvironment environment;
    private final SecureRandom random;
    private final EventHub events;
    private final ReentrantLock lock = new ReentrantLock();
    private ProfileLock profileLock; // guarded by lock
    private Unlocked unlocked; // guarded by lock; null while locked
    private Thread connector; // guarded by lock
    private LinkRequest linkRequest; // guarded by lock; the pending link request made in this run

    private AppSession(Path profileDir, ClientEnvironment environment, SecureRandom random, EventHub events) {
        this.profileDir = profileDir;
        this.environment = environment;
        this.random = random;
        this.events = events;
    }

    /**
     * Takes the profile's lock (creating the directory) for the life of the session.
     *
     * @throws ClientFailure when another command holds the profile
     */
    static AppSession open(Path profileDir, ClientEnvironment environment, SecureRandom random, EventHub events)
            throws IOException {
        Objects.requireNonNull(profileDir, "profileDir");
        AppSession session = new AppSession(profileDir, environment, random, events);
        Files.createDirectories(profileDir);
        session.profileLock = ProfileLock.acquire(profileDir);
        return session;
    }

    Path profileDir() {
        return profileDir;
    }

    ClientEnvironment environment() {
        return environment;
    }

    SecureRandom random() {
        return random;
    }

    EventHub events() {
        return events;
    }

    private Path keystore() {
        return profileDir.resolve(FileKeyVault.FILE_NAME);
    }

    /** The unlocked profile, or 409 {@code locked} / {@code no_identity}. */
    Unlocked unlocked() {
        lock.lock();
        try {
            if (unlocked == null) {
                throw Files.exists(keystore())
                        ? ApiError.conflict("locked", "the profile is locked: unlock it first")
                        : ApiError.conflict("no_identity", "this profile has no identity yet");
            }
            return unlocked;
        } finally {
            lock.unlock();
        }
    }

    /** The unlocked profile's client once it joined a community, or 409 {@code not_joined}. */
    Unlocked joined() {
        Unlocked u = unlocked();
        if (u.client().community().isEmpty()) {
            throw ApiError.conflict("not_joined", "this profile has not joined a community");
        }
        return u;
    }

    /** The contract's {@code State}. */
    ObjectNode state() {
        lock.lock();
        try {
            ObjectNode state = AppJson.object();
            boolean hasKeystore = Files.exists(keystore());
            boolean pending = !hasKeystore && DeviceLink.pending(profileDir);
            state.put("status", unlocked != null ? "unlocked" : hasKeystore ? "locked" : pending ? "pending" : "empty");
            state.put("profile", profileDir.toAbsolutePath().toString());
            state.putNull("account");
            state.putNull("device");
            state.putNull("hasIdentityKey");
            state.putNull("community");
            state.putNull("serverKey");
            state.putNull("displayName");
            state.put("connected", false);
            state.putNull("linkCode");
            state.putNull("expiresAt");
            if (pending && linkRequest != null) {
                // After a restart of the app the code is gone: the page then asks for a new one.
                state.put("linkCode", linkRequest.toCode());
                state.put("expiresAt", linkRequest.expiresAt().toString());
            }
            if (unlocked != null) {
                NexusClient client = unlocked.client();
                state.put("account", unlocked.keys().accountId().toString());
                state.put("device", unlocked.keys().deviceId().value());
                state.put("hasIdentityKey", unlocked.keys().identity().isPresent());
                client.community().ifPresent(c -> state.put("community", c.toString()));
                client.serverKey().ifPresent(k -> state.put("serverKey", k.base64()));
                client.store()
                        .settings()
                        .get(DISPLAY_NAME_SETTING)
                        .ifPresent(
                                n -> state.put("displayName", new String(n, java.nio.charset.StandardCharsets.UTF_8)));
                state.put("connected", client.isConnected());
            } else if (hasKeystore) {
                try {
                    Optional<VaultSummary> summary = FileKeyVault.summaryOf(keystore());
                    summary.ifPresent(s -> {
                        state.put("account", s.accountId().toString());
                        state.put("device", s.deviceId().value());
                    });
                } catch (KeystoreException e) {
                    // an unreadable keystore shows as locked without an account; unlocking says why
                }
            }
            return state;
        } finally {
            lock.unlock();
        }
    }

    /** Creates a new identity in the empty profile and unlocks it; returns the recovery words. */
    List<String> create(String passphrase, int words) throws IOException {
        Mnemonic.WordCount count;
        try {
            count = Mnemonic.WordCount.of(words);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("words must be 12 or 24, got " + words);
        }
        Mnemonic mnemonic = Mnemonic.generate(count, random);
        establish(
                passphrase,
                NewIdentity.of(mnemonic, DeviceId.PRIMARY, environment.clock().instant()));
        return mnemonic.words();
    }

    /** Restores the identity of recovery words in the empty profile, as a new device, and unlocks it. */
    void restore(String passphrase, String words) throws IOException {
        Mnemonic mnemonic;
        try {
            mnemonic = Mnemonic.parse(words);
        } catch (InvalidMnemonicException e) {
            throw ApiError.badRequest("these are not valid recovery words: " + e.getMessage());
        }
        establish(
                passphrase,
                NewIdentity.of(
                        mnemonic, DeviceId.random(random), environment.clock().instant()));
    }

    private void establish(String passphrase, VaultContents contents) throws IOException {
        requirePassphrase(passphrase);
        lock.lock();
        try {
            requireNoIdentity();
            try (Passphrase p = Passphrase.of(passphrase.toCharArray())) {
                FileKeyVault.inProfile(profileDir, p, environment.kdf(), random).create(contents);
            } catch (KeystoreException e) {
                throw new ApiError(500, "internal", "the keystore could not be written: " + e.getMessage());
            }
            openClient(contents);
        } finally {
            lock.unlock();
        }
        events.publish(EventHub.event("state"));
    }

    /**
     * Starts linking the empty (or pending) profile as a new device of an existing account: a
     * device key sealed under the passphrase, and its link code (replacing an earlier request).
     */
    LinkRequest requestLink(String passphrase) throws IOException {
        requirePassphrase(passphrase);
        LinkRequest request;
        lock.lock();
        try {
            requireNoIdentity();
            try (Passphrase p = Passphrase.of(passphrase.toCharArray())) {
                request = DeviceLink.request(profileDir, p, environment, random);
            } catch (KeystoreException e) {
                throw new ApiError(500, "internal", "the pending keystore could not be written: " + e.getMessage());
            }
            linkRequest = request;
        } finally {
            lock.unlock();
        }
        events.publish(EventHub.event("state"));
        return request;
    }

    /**
     * Finishes linking with the certificate the account's device gave: the profile's keystore
     * holds the pending key and the certificate, and the profile is unlocked.
     */
    void finishLink(String passphrase, String certificateCode) throws IOException {
        requirePassphrase(passphrase);
        lock.lock();
        try {
            requireNoIdentity();
            if (!DeviceLink.pending(profileDir)) {
                throw ApiError.conflict("no_identity", "no link request is pending: request a link code first");
            }
            VaultContents keys;
            try (Passphrase p = Passphrase.of(passphrase.toCharArray())) {
                keys = DeviceLink.finish(profileDir, p, certificateCode, environment, random);
            } catch (ClientFailure e) {
                throw ApiError.badRequest(e.getMessage());
            } catch (KeystoreException e) {
                if (e.reason() == KeystoreException.Reason.WRONG_PASSPHRASE) {
                    throw new ApiError(400, "wrong_passphrase", "the passphrase is not the one of the link request");
                }
                throw new ApiError(500, "internal", "the keystore could not be written: " + e.getMessage());
            }
            linkRequest = null;
            openClient(keys);
        } finally {
            lock.unlock();
        }
        events.publish(EventHub.event("state"));
    }

    /** Unlocks the profile's keystore and opens the client (connecting when it has joined). */
    void unlock(String passphrase) throws IOException {
        requirePassphrase(passphrase);
        lock.lock();
        try {
            if (unlocked != null) {
                return;
            }
            if (!Files.exists(keystore())) {
                throw ApiError.conflict("no_identity", "this profile has no identity yet");
            }
            VaultContents keys;
            try (Passphrase p = Passphrase.of(passphrase.toCharArray())) {
                keys = FileKeyVault.inProfile(profileDir, p, environment.kdf(), random)
                        .load();
            } catch (KeystoreException e) {
                if (e.reason() == KeystoreException.Reason.WRONG_PASSPHRASE) {
                    throw new ApiError(400, "wrong_passphrase", "the passphrase does not open this profile");
                }
                throw new ApiError(500, "internal", "the keystore cannot be read: " + e.getMessage());
            }
            openClient(keys);
        } finally {
            lock.unlock();
        }
        events.publish(EventHub.event("state"));
    }

    /** 409 {@code exists} when the profile has an identity (the caller holds {@link #lock}). */
    private void requireNoIdentity() {
        if (Files.exists(keystore())) {
            throw ApiError.conflict("exists", "this profile has an identity already; nothing was changed");
        }
    }

    private static void requirePassphrase(String passphrase) {
        if (passphrase.isEmpty()) {
            throw ApiError.badRequest("the passphrase must not be empty");
        }
    }

    private void openClient(VaultContents keys) throws IOException {
        NexusClient client = NexusClient.open(profileDir, keys, environment.clock(), DEVICE_TYPE);
        Unlocked opened = new Unlocked(keys, client, new ManagedChannels(environment.clock()));
        unlocked = opened;
        client.subscribe(event -> events.execute(() -> AppEvents.publish(this, opened, event)));
        if (client.community().isPresent()) {
            startConnector(client);
        }
    }

    /**
     * Keeps trying to connect until the first connection opens (the client reconnects by itself
     * after that) or the client is closed.
     */
    void startConnector(NexusClient client) {
        lock.lock();
        try {
            if (connector != null && connector.isAlive()) {
                connector.interrupt();
            }
            connector = Thread.ofVirtual().name("app-connect").start(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    try {
                        client.connect(); // the client tells ConnectionChanged itself
                        refreshNames(client);
                        return;
                    } catch (IOException | RuntimeException e) {
                        LOG.atDebug()
                                .setMessage("connecting failed")
                                .addKeyValue("error", e.toString())
                                .log();
                    }
                    try {
                        Thread.sleep(RECONNECT_PAUSE);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        } finally {
            lock.unlock();
        }
    }

    /** Closes the client and forgets the keys. */
    void lockProfile() {
        lock.lock();
        try {
            closeClient();
        } finally {
            lock.unlock();
        }
        events.publish(EventHub.event("state"));
    }

    private void closeClient() {
        if (connector != null) {
            connector.interrupt();
            connector = null;
        }
        if (unlocked != null) {
            unlocked.client().close();
            unlocked = null;
        }
    }

    /** Joins a community with the unlocked profile and connects. */
    void join(
            java.net.URI server,
            String displayName,
            Optional<ServerPublicKey> expected,
            Optional<org.nexuslink.cli.directory.DirectoryJoin.Target> listed)
            throws IOException {
        Unlocked u = unlocked();
        try {
            org.nexuslink.cli.client.CommunityJoin.join(u.client(), profileDir, server, displayName, expected, listed);
        } catch (ClientFailure e) {
            throw ApiError.conflict("exists", e.getMessage());
        }
        u.client()
                .store()
                .settings()
                .put(DISPLAY_NAME_SETTING, displayName.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        try {
            u.client().connect();
            refreshNames(u.client());
        } catch (IOException e) {
            startConnector(u.client());
        }
        events.publish(EventHub.event("state"));
    }

    /** Asks the community for its members' names, which the conversation list and messages show. */
    private static void refreshNames(NexusClient client) {
        try {
            client.members();
        } catch (IOException | RuntimeException e) {
            LOG.atDebug()
                    .setMessage("listing members failed")
                    .addKeyValue("error", e.toString())
                    .log();
        }
    }

    /** Seed 003's panic wipe of the whole profile; the session is then empty. */
    void wipe() throws IOException {
        lock.lock();
        try {
            closeClient();
            linkRequest = null;
            profileLock.close();
            try {
                WipeReport report = ProfileWipe.wipe(profileDir, random);
                if (!report.complete()) {
                    throw new ApiError(
                            500,
                            "internal",
                            "the wipe is incomplete: " + report.failures().size() + " paths are left in " + profileDir);
                }
            } catch (ClientFailure e) {
                // not a profile (nothing was ever created here): nothing to destroy
            } finally {
                Files.createDirectories(profileDir);
                profileLock = ProfileLock.acquire(profileDir);
            }
        } finally {
            lock.unlock();
        }
        events.publish(EventHub.event("state"));
    }

    /** Closes the client and releases the profile. */
    @Override
    public void close() {
        lock.lock();
        try {
            closeClient();
            if (profileLock != null) {
                profileLock.close();
                profileLock = null;
            }
        } finally {
            lock.unlock();
        }
    }

    /** A JSON array of strings. */
    static ArrayNode strings(List<String> values) {
        ArrayNode array = AppJson.MAPPER.createArrayNode();
        values.forEach(array::add);
        return array;
    }
}
