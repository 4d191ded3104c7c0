// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.keys;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.nexuslink.protocol.Bytes;
import org.nexuslink.protocol.Command;
import org.nexuslink.protocol.DirectPush;
import org.nexuslink.protocol.DirectSend;
import org.nexuslink.protocol.Envelope;
import org.nexuslink.protocol.Seq;
import org.nexuslink.server.storage.Database;
import org.nexuslink.server.storage.DatabaseUrl;
import org.nexuslink.server.testing.ByteSearch;
import org.nexuslink.server.testing.DatabaseTest;
import org.nexuslink.server.testing.DebugLogs;
import org.nexuslink.server.testing.MutableClock;
import org.nexuslink.server.testing.TestAccount;
import org.nexuslink.server.testing.TestServer;
import org.nexuslink.server.testing.TestWebSocket;
import org.signal.libsignal.protocol.SessionBuilder;
import org.signal.libsignal.protocol.SessionCipher;
import org.signal.libsignal.protocol.SignalProtocolAddress;
import org.signal.libsignal.protocol.message.CiphertextMessage;
import org.signal.libsignal.protocol.message.PreKeySignalMessage;
import org.signal.libsignal.protocol.state.impl.InMemorySignalProtocolStore;

/**
 * The security invariant, end to end: a known plaintext goes from Alice to Bob through a real
 * libsignal PQXDH session over the real server; Bob reads it; the plaintext is nowhere in the
 * server's database (file bytes on SQLite, every stored blob on PostgreSQL) or its logs, written
 * at debug level during the exchange.
 */
class PlaintextNeverStoredTest {
    private static final String SECRET = "the eagle lands at dawn 7f3a9c";

    private final MutableClock clock = new MutableClock();

    @RegisterExtension
    final DebugLogs logs = new DebugLogs();

    @DatabaseTest
    void a_direct_message_reaches_its_reader_and_its_plaintext_reaches_no_server_file(
            DatabaseUrl url, Database database) throws Exception {
        try (TestServer server = TestServer.start(url, clock, Map.of())) {
            TestAccount alice = new TestAccount(clock);
            TestAccount.CertifiedDevice alicePhone = alice.device(1);
            String aliceToken = alice.join(server, alicePhone);
            TestAccount bob = new TestAccount(clock);
            TestAccount.CertifiedDevice bobPhone = bob.device(1);
            String bobToken = bob.join(server, bobPhone);
            InMemorySignalProtocolStore bobStore =
                    new InMemorySignalProtocolStore(bobPhone.keys().asIdentityKeyPair(), 0);
            DeviceKeys keys = new DeviceKeys(bobPhone.keys());
            assertThat(server.post("/api/v1/prekeys", UploadJson.of(keys.fullUpload(5, 5)), bobToken)
                            .status())
                    .isEqualTo(200);
            keys.storeInto(bobStore);

            JsonNode bundle = server.get("/api/v1/prekeys/" + bob.id(), aliceToken)
                    .body()
                    .get("devices")
                    .get(0);
            InMemorySignalProtocolStore aliceStore =
                    new InMemorySignalProtocolStore(alicePhone.keys().asIdentityKeyPair(), 0);
            SignalProtocolAddress bobAddress = new SignalProtocolAddress(bob.id(), 1);
            new SessionBuilder(aliceStore, bobAddress).process(PrekeySessionTest.bundle(bundle));
            CiphertextMessage ciphertext = new SessionCipher(aliceStore, bobAddress).encrypt(SECRET.getBytes(UTF_8));

            try (TestWebSocket aliceWs = TestWebSocket.connect(server, aliceToken);
                    TestWebSocket bobWs = TestWebSocket.connect(server, bobToken)) {
                aliceWs.send(Envelope.of(
                        Command.SEND_DIRECT,
                        new Seq(1),
                        new DirectSend(
                                Bytes.fromHex("0102030405060708090a0b0c0d0e0f10"),
                                List.of(new DirectSend.Copy(
                                        bob.id(), 1, ciphertext.getType(), Bytes.of(ciphertext.serialize()))))));
                assertThat(aliceWs.nextOfCommand(Command.ACK).seq()).isEqualTo(new Seq(1));
                DirectPush push =
                        (DirectPush) bobWs.nextOfCommand(Command.DIRECT_PUSH).body();

                String read = new String(
                        new SessionCipher(bobStore, new SignalProtocolAddress(alice.id(), 1))
                                .decrypt(new PreKeySignalMessage(
                                        push.ciphertext().toByteArray())),
                        UTF_8);
                assertThat(read).isEqualTo(SECRET);
            }

            byte[] secret = SECRET.getBytes(UTF_8);
            for (byte[] stored : storedBytes(url, database)) {
                assertThat(ByteSearch.indexOf(stored, secret))
                        .as("plaintext in the database")
                        .isEqualTo(-1);
            }
            assertThat(logs.text())
                    .contains("websocket open")
                    .doesNotContain(SECRET)
                    .doesNotContain(HexFormat.of().formatHex(secret));
        }
    }

    /** Everything the server stored: the SQLite files' raw bytes, or every queued blob on PostgreSQL. */
    private static List<byte[]> storedBytes(DatabaseUrl url, Database database) throws Exception {
        List<byte[]> all = new ArrayList<>();
        if (url instanceof DatabaseUrl.Sqlite sqlite) {
            for (String suffix : new String[] {"", "-wal", "-shm"}) {
                Path file = Path.of(sqlite.file().toAbsolutePath() + suffix);
                if (Files.exists(file)) {
                    all.add(Files.readAllBytes(file));
                }
            }
            assertThat(all).isNotEmpty();
        } else {
            all.addAll(database.jdbi()
                    .withHandle(h -> h.createQuery("SELECT encrypted_blob FROM message_queue")
                            .mapTo(byte[].class)
                            .list()));
            assertThat(all).isNotEmpty();
        }
        return all;
    }
}
