// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.server.testing.ByteSearch;
import org.signal.libsignal.protocol.SessionBuilder;
import org.signal.libsignal.protocol.SessionCipher;
import org.signal.libsignal.protocol.groups.GroupSessionBuilder;
import org.signal.libsignal.protocol.message.PreKeySignalMessage;
import org.signal.libsignal.protocol.state.PreKeyBundle;

/**
 * The property the store exists for: known plaintext written through every view is nowhere in
 * the database file, its WAL or its shared-memory file, in any form we can name.
 */
class StorePlaintextTest {
    @TempDir
    Path dir;

    @Test
    void no_known_plaintext_reaches_the_database_wal_or_shm_files() throws Exception {
        TestProfile alice = TestProfile.create(dir, "alice");
        TestProfile bob = TestProfile.create(dir, "bob");
        SecureRandom random = new SecureRandom();
        Map<String, byte[]> secrets = new LinkedHashMap<>();

        String text = "Meet me at the old lighthouse at 21:40, bring the blue folder";
        String nickname = "Captain Nemo of the Nautilus";
        String title = "Lighthouse planning group";
        String server = "https://community.example.org:8443";
        UUID channelId = UUID.randomUUID();
        String channel = "ch:" + channelId;
        byte[] messageId = new byte[16];
        random.nextBytes(messageId);
        String ref = HexFormat.of().formatHex(messageId);
        byte[] attachment = new byte[96];
        random.nextBytes(attachment);
        String settingKey = "sender-key.distributed." + channelId;
        byte[] settingValue = "device-session-token-0123456789abcdef".getBytes(UTF_8);

        ProfileStore aliceStore = alice.open();
        ProfileStore bobStore = bob.open();
        PreKeyBundle bundle = SignalStoreTest.publishKeys(bobStore, bob);
        new SessionBuilder(aliceStore.signal(), bob.address()).process(bundle);
        var first = new SessionCipher(aliceStore.signal(), bob.address()).encrypt(text.getBytes(UTF_8));
        new SessionCipher(bobStore.signal(), alice.address()).decrypt(new PreKeySignalMessage(first.serialize()));
        new GroupSessionBuilder(aliceStore.signal()).create(alice.address(), channelId);

        Instant now = Instant.now();
        aliceStore.contacts().save(new Contact(bob.accountId(), Optional.of(nickname), true, Optional.of(now)));
        aliceStore.conversations().save(new Conversation("dm:" + bob.accountId(), ConversationType.DIRECT, title, now));
        aliceStore.conversations().save(new Conversation(channel, ConversationType.CHANNEL, title + " (channel)", now));
        aliceStore
                .messages()
                .insertIfAbsent(new StoredMessage(
                        "dm:" + bob.accountId(),
                        ref,
                        bob.accountId(),
                        1,
                        Direction.IN,
                        3,
                        now,
                        now,
                        text,
                        Optional.of(ref),
                        Optional.of(attachment),
                        false));
        aliceStore
                .messages()
                .insertIfAbsent(new StoredMessage(
                        channel,
                        "12345",
                        alice.accountId(),
                        1,
                        Direction.OUT,
                        1,
                        now,
                        now,
                        text + " (to the channel)",
                        Optional.empty(),
                        Optional.empty(),
                        false));
        aliceStore.cursors().put(server, channel, 12345);
        aliceStore.settings().put(settingKey, settingValue);
        aliceStore.seen().mark(bob.accountId(), messageId, now);

        secrets.put("message text", text.getBytes(UTF_8));
        secrets.put("nickname", nickname.getBytes(UTF_8));
        secrets.put("conversation title", title.getBytes(UTF_8));
        secrets.put("server", server.getBytes(UTF_8));
        secrets.put("channel id", channelId.toString().getBytes(UTF_8));
        secrets.put("channel id (raw)", uuidBytes(channelId));
        secrets.put("message ref", ref.getBytes(UTF_8));
        secrets.put("message id (raw)", messageId);
        secrets.put("attachment", attachment);
        secrets.put("setting key", settingKey.getBytes(UTF_8));
        secrets.put("setting value", settingValue);
        for (TestProfile p : new TestProfile[] {alice, bob}) {
            AccountId id = AccountId.fromPublicKeyBytes(accountKey(p));
            secrets.put("account id " + p.file().getFileName(), p.accountId().getBytes(UTF_8));
            secrets.put("account id (raw) " + p.file().getFileName(), id.publicKeyBytes());
            secrets.put(
                    "device public key " + p.file().getFileName(), p.device().publicKeyBytes());
            secrets.put(
                    "device private key " + p.file().getFileName(), p.device().privateKeyBytes());
        }
        byte[] session = aliceStore.signal().loadSession(bob.address()).serialize();
        byte[] senderKey =
                aliceStore.signal().loadSenderKey(alice.address(), channelId).serialize();
        byte[] signedPreKey = bobStore.signal()
                .loadSignedPreKey(1)
                .getKeyPair()
                .getPrivateKey()
                .serialize();
        byte[] kyberSecret = bobStore.signal()
                .loadKyberPreKey(10)
                .getKeyPair()
                .getSecretKey()
                .serialize();
        secrets.put("signed prekey private key", signedPreKey);
        secrets.put("Kyber secret key", Arrays.copyOfRange(kyberSecret, kyberSecret.length - 64, kyberSecret.length));
        addWindows(secrets, "session record", session);
        addWindows(secrets, "sender key record", senderKey);
        addWindows(
                secrets,
                "Bob's session record",
                bobStore.signal().loadSession(alice.address()).serialize());

        // while open: the newest pages are in the WAL (an open store keeps no -shm file: it holds
        // the file alone, and SQLite keeps the WAL's index in memory)
        assertNoSecrets(alice.file(), secrets, true);
        assertNoSecrets(bob.file(), secrets, true);

        aliceStore.close();
        bobStore.close();
        // after close: everything checkpointed into the main file
        assertNoSecrets(alice.file(), secrets, false);
        assertNoSecrets(bob.file(), secrets, false);

        // and the store still reads it all back
        try (ProfileStore reopened = alice.open()) {
            assertThat(reopened.messages()
                            .find("dm:" + bob.accountId(), ref)
                            .orElseThrow()
                            .text())
                    .isEqualTo(text);
            assertThat(reopened.contacts().find(bob.accountId()).orElseThrow().nickname())
                    .contains(nickname);
        }
    }

    private static byte[] accountKey(TestProfile p) throws Exception {
        return AccountId.parse(p.accountId()).publicKeyBytes();
    }

    /** 24-byte windows of a serialized record, skipping low-entropy ones (protobuf framing, zeros). */
    private static void addWindows(Map<String, byte[]> secrets, String what, byte[] record) {
        assertThat(record.length).isGreaterThan(64);
        for (int offset = 0; offset + 24 <= record.length; offset += 24) {
            byte[] window = Arrays.copyOfRange(record, offset, offset + 24);
            if (distinct(window) >= 16) {
                secrets.put(what + " @" + offset, window);
            }
        }
    }

    private static int distinct(byte[] bytes) {
        boolean[] seen = new boolean[256];
        int n = 0;
        for (byte b : bytes) {
            if (!seen[b & 0xff]) {
                seen[b & 0xff] = true;
                n++;
            }
        }
        return n;
    }

    private static void assertNoSecrets(Path db, Map<String, byte[]> secrets, boolean expectWal) throws Exception {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        int files = 0;
        for (String suffix : new String[] {"", "-wal", "-shm"}) {
            Path file = Path.of(db + suffix);
            if (Files.exists(file)) {
                all.writeBytes(Files.readAllBytes(file));
                files++;
            }
        }
        assertThat(files).as("files of " + db).isEqualTo(expectWal ? 2 : 1);
        assertThat(Path.of(db + "-shm")).doesNotExist();
        byte[] haystack = all.toByteArray();
        assertThat(haystack.length).isGreaterThan(4096);
        for (Map.Entry<String, byte[]> secret : secrets.entrySet()) {
            assertThat(ByteSearch.indexOf(haystack, secret.getValue()))
                    .as(secret.getKey() + " in " + db.getFileName())
                    .isEqualTo(-1);
        }
    }

    private static byte[] uuidBytes(UUID uuid) {
        return ByteBuffer.allocate(16)
                .putLong(uuid.getMostSignificantBits())
                .putLong(uuid.getLeastSignificantBits())
                .array();
    }
}
