// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.nexuslink.client.store.StoredMessage;
import org.nexuslink.crypto.identity.AccountIdentity;
import org.nexuslink.crypto.identity.DeviceId;
import org.nexuslink.crypto.identity.DeviceKeyPair;
import org.nexuslink.crypto.keystore.VaultContents;

/**
 * A client profile for tests: a real identity (or a linked device of one), a profile directory
 * and a {@link NexusClient} whose incoming messages, revokes and connection changes are queued
 * for assertions.
 */
final class TestProfile implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(20);

    final Path dir;
    final VaultContents keys;
    final Clock clock;
    final BlockingQueue<StoredMessage> received = new LinkedBlockingQueue<>();
    final BlockingQueue<String> revoked = new LinkedBlockingQueue<>();
    /** The senders of rejected messages. */
    final BlockingQueue<String> rejected = new LinkedBlockingQueue<>();

    final BlockingQueue<Boolean> connection = new LinkedBlockingQueue<>();
    /** The server's reasons, each time it told this device it was removed from its account. */
    final BlockingQueue<String> removed = new LinkedBlockingQueue<>();
    /** "account:device" of each safety-number warning. */
    final BlockingQueue<String> keyChanges = new LinkedBlockingQueue<>();
    /** "account reason: message" of each key-transparency warning. */
    final BlockingQueue<String> transparencyWarnings = new LinkedBlockingQueue<>();

    NexusClient client;

    private TestProfile(Path dir, VaultContents keys, Clock clock) throws IOException {
        this.dir = dir;
        this.keys = keys;
        this.clock = clock;
        reopen();
    }

    /** A new account's first device. */
    static TestProfile create(Path dir, Clock clock) throws IOException {
        AccountIdentity identity = AccountIdentity.generate();
        DeviceKeyPair device = DeviceKeyPair.generate();
        return new TestProfile(
                dir,
                new VaultContents(
                        identity.accountId(),
                        Optional.of(identity),
                        Optional.empty(),
                        device,
                        identity.certify(DeviceId.PRIMARY, device.publicKey(), clock.instant(), Optional.empty())),
                clock);
    }

    /** Another device of {@code owner}'s account, certified by its identity key; not yet registered. */
    static TestProfile linked(Path dir, TestProfile owner, int deviceId) throws IOException {
        AccountIdentity identity = owner.keys.identity().orElseThrow();
        DeviceKeyPair device = DeviceKeyPair.generate();
        return new TestProfile(
                dir,
                new VaultContents(
                        identity.accountId(),
                        Optional.empty(),
                        Optional.empty(),
                        device,
                        identity.certify(
                                new DeviceId(deviceId), device.publicKey(), owner.clock.instant(), Optional.empty())),
                owner.clock);
    }

    /**
     * {@code owner}'s account restored on a new device from its identity key (the mnemonic): the
     * same device id as {@code owner}'s, a new device key.
     */
    static TestProfile restored(Path dir, TestProfile owner) throws IOException {
        AccountIdentity identity = owner.keys.identity().orElseThrow();
        DeviceKeyPair device = DeviceKeyPair.generate();
        return new TestProfile(
                dir,
                new VaultContents(
                        identity.accountId(),
                        Optional.of(identity),
                        Optional.empty(),
                        device,
                        identity.certify(
                                owner.keys.certificate().deviceId(),
                                device.publicKey(),
                                owner.clock.instant(),
                                Optional.empty())),
                owner.clock);
    }

    /** Opens the profile's client again (after {@link #close}), as a restarted app would. */
    void reopen() throws IOException {
        client = NexusClient.open(dir, keys, clock);
        client.subscribe(event -> {
            switch (event) {
                case ClientEvent.MessageReceived m -> received.add(m.message());
                case ClientEvent.MessageRevoked r ->
                    revoked.add(r.conversation().id() + "/" + r.ref().text());
                case ClientEvent.MessageRejected r -> rejected.add(r.sender().toString());
                case ClientEvent.ConnectionChanged c -> connection.add(c.connected());
                case ClientEvent.SafetyNumberChanged k -> keyChanges.add(k.account() + ":" + k.device());
                case ClientEvent.DeviceRemoved d -> removed.add(d.detail());
                case ClientEvent.KeyLogRefused k ->
                    transparencyWarnings.add(k.account() + " "
                            + k.reason().name().toLowerCase(java.util.Locale.ROOT) + ": " + k.message());
                case ClientEvent.OwnKeysChanged k ->
                    transparencyWarnings.add(id() + " own_keys_changed: " + k.message());
            }
        });
    }

    String id() {
        return keys.accountId().toString();
    }

    Conversation dm() {
        return Conversation.direct(keys.accountId());
    }

    void joinAndConnect(URI server, String name) throws IOException {
        client.join(server, name);
        client.connect();
    }

    /** The next message this profile received, failing after {@link #WAIT}. */
    StoredMessage next() throws InterruptedException {
        StoredMessage message = received.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(message).as("a message reached " + id()).isNotNull();
        return message;
    }

    /** The texts of the next {@code count} messages. */
    List<String> nextTexts(int count) throws InterruptedException {
        List<String> texts = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            texts.add(next().text());
        }
        return texts;
    }

    /** Asserts that nothing more arrives within a short while. */
    void assertNothingMore() throws InterruptedException {
        assertThat(received.poll(500, TimeUnit.MILLISECONDS))
                .as("no further message for " + id())
                .isNull();
    }

    @Override
    public void close() {
        client.close();
    }
}
