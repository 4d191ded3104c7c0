// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.nexuslink.protocol.Ack;
import org.nexuslink.protocol.Bytes;
import org.nexuslink.protocol.Command;
import org.nexuslink.protocol.DirectPush;
import org.nexuslink.protocol.DirectSend;
import org.nexuslink.protocol.Envelope;
import org.nexuslink.protocol.ErrorBody;
import org.nexuslink.protocol.MessageId;
import org.nexuslink.protocol.Seq;
import org.nexuslink.server.storage.Database;
import org.nexuslink.server.storage.DatabaseUrl;
import org.nexuslink.server.testing.DatabaseTest;
import org.nexuslink.server.testing.MutableClock;
import org.nexuslink.server.testing.TestAccount;
import org.nexuslink.server.testing.TestServer;
import org.nexuslink.server.testing.TestWebSocket;
import org.signal.libsignal.protocol.ecc.ECKeyPair;
import org.signal.libsignal.protocol.kem.KEMKeyPair;
import org.signal.libsignal.protocol.kem.KEMKeyType;

/** Direct messages over real WebSockets and REST, on SQLite and PostgreSQL. */
class DirectMessagesTest {
    private static final Bytes MESSAGE = Bytes.fromHex("00112233445566778899aabbccddeeff");
    private static final Bytes SECOND = Bytes.fromHex("ffeeddccbbaa99887766554433221100");

    private final MutableClock clock = new MutableClock();

    private static long queued(Database database) {
        return database.jdbi()
                .withHandle(h -> h.createQuery("SELECT COUNT(*) FROM message_queue")
                        .mapTo(Long.class)
                        .one());
    }

    private static DirectSend.Copy copy(TestAccount to, int device, String hex) {
        return new DirectSend.Copy(to.id(), device, 3, Bytes.fromHex(hex));
    }

    private static Envelope send(long seq, Bytes id, DirectSend.Copy... copies) {
        return Envelope.of(Command.SEND_DIRECT, new Seq(seq), new DirectSend(id, List.of(copies)));
    }

    /** Alice and Bob, joined, one device each. */
    private record Pair(TestAccount alice, String aliceToken, TestAccount bob, String bobToken) {}

    private Pair pair(TestServer server) {
        TestAccount alice = new TestAccount(clock);
        TestAccount bob = new TestAccount(clock);
        return new Pair(alice, alice.join(server, alice.device(1)), bob, bob.join(server, bob.device(1)));
    }

    @DatabaseTest
    void an_online_device_gets_the_message_at_once_and_its_ack_empties_the_queue(DatabaseUrl url, Database database) {
        try (TestServer server = TestServer.start(url, clock, Map.of())) {
            Pair p = pair(server);
            try (TestWebSocket alice = TestWebSocket.connect(server, p.aliceToken());
                    TestWebSocket bob = TestWebSocket.connect(server, p.bobToken())) {
                alice.send(send(1, MESSAGE, copy(p.bob(), 1, "c0ffee")));

                Envelope ack = alice.next();
                Envelope push = bob.next();

                assertThat(ack.command()).isEqualTo(Command.ACK);
                assertThat(ack.seq()).isEqualTo(new Seq(1));
                assertThat(((Ack) ack.body()).time())
                        .contains(clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
                DirectPush delivered = (DirectPush) push.body();
                assertThat(delivered.ciphertext()).isEqualTo(Bytes.fromHex("c0ffee"));
                assertThat(delivered.messageId()).isEqualTo(MESSAGE);
                assertThat(delivered.sender()).isEqualTo(p.alice().id());
                assertThat(delivered.senderDevice()).isEqualTo(1);
                assertThat(queued(database)).isEqualTo(1);

                bob.send(Envelope.of(
                        Command.ACK,
                        new Seq(1),
                        new Ack(Optional.of(new MessageId(delivered.entry())), Optional.empty())));
                bob.send(Envelope.of(Command.PING, new Seq(2), org.nexuslink.protocol.Body.Empty.INSTANCE));
                assertThat(bob.next().command()).isEqualTo(Command.PONG);
                assertThat(queued(database)).isZero();
            }
        }
    }

    @DatabaseTest
    void a_message_fans_out_to_every_device_including_the_senders_others(DatabaseUrl url) {
        TestAccount alice = new TestAccount(clock);
        TestAccount bob = new TestAccount(clock);
        try (TestServer server = TestServer.start(url, clock, Map.of())) {
            String alice1 = alice.join(server, alice.device(1));
            TestAccount.CertifiedDevice aliceLaptop = alice.device(2);
            alice.register(server, alice1, aliceLaptop);
            String alice2 = alice.authenticate(server, aliceLaptop);
            String bob1 = bob.join(server, bob.device(1));
            TestAccount.CertifiedDevice bobLaptop = bob.device(2);
            bob.register(server, bob1, bobLaptop);
            String bob2 = bob.authenticate(server, bobLaptop);
            try (TestWebSocket a1 = TestWebSocket.connect(server, alice1);
                    TestWebSocket a2 = TestWebSocket.connect(server, alice2);
                    TestWebSocket b1 = TestWebSocket.connect(server, bob1);
                    TestWebSocket b2 = TestWebSocket.connect(server, bob2)) {
                a1.send(send(1, MESSAGE, copy(bob, 1, "b1"), copy(bob, 2, "b2"), copy(alice, 2, "a2")));

                assertThat(a1.next().command()).isEqualTo(Command.ACK);
                assertThat(((DirectPush) b1.next().body()).ciphertext()).isEqualTo(Bytes.fromHex("b1"));
                assertThat(((DirectPush) b2.next().body()).ciphertext()).isEqualTo(Bytes.fromHex("b2"));
                assertThat(((DirectPush) a2.next().body()).ciphertext()).isEqualTo(Bytes.fromHex("a2"));
            }
        }
    }

    /** Uploads a minimal usable bundle (signed prekey and last-resort Kyber prekey) for a device. */
    private static void uploadBundle(TestServer server, String token, TestAccount.CertifiedDevice device) {
        ECKeyPair signed = ECKeyPair.generate();
        KEMKeyPair kyber = KEMKeyPair.generate(KEMKeyType.KYBER_1024);
        var body = TestServer.object();
        body.putObject("signed_prekey")
                .put("key_id", 1)
                .put(
                        "public_key",
                        Base64.getEncoder().encodeToString(signed.getPublicKey().serialize()))
                .put(
                        "signature",
                        Base64.getEncoder()
                                .encodeToString(device.keys()
                                        .privateKey()
                                        .calculateSignature(
                                                signed.getPublicKey().serialize())));
        body.putObject("last_resort_kyber_prekey")
                .put("key_id", 1)
                .put(
                        "public_key",
                        Base64.getEncoder().encodeToString(kyber.getPublicKey().serialize()))
                .put(
                        "signature",
                        Base64.getEncoder()
                                .encodeToString(device.keys()
                                        .privateKey()
                                        .calculateSignature(kyber.getPublicKey().serialize())));
        TestServer.Reply reply = server.post("/api/v1/prekeys", body, token);
        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
    }

    @DatabaseTest
    void a_device_without_a_bundle_may_be_left_out_until_it_uploads_one(DatabaseUrl url, Database database) {
        TestAccount alice = new TestAccount(clock);
        TestAccount bob = new TestAccount(clock);
        TestAccount.CertifiedDevice laptop = bob.device(2);
        try (TestServer server = TestServer.start(url, clock, Map.of())) {
            String aliceToken = alice.join(server, alice.device(1));
            String bobToken = bob.join(server, bob.device(1));
            bob.register(server, bobToken, laptop);
            try (TestWebSocket ws = TestWebSocket.connect(server, aliceToken)) {
                ws.send(send(1, MESSAGE, copy(bob, 1, "01")));
                assertThat(ws.next().command()).isEqualTo(Command.ACK);

                uploadBundle(server, bob.authenticate(server, laptop), laptop);
                ws.send(send(2, SECOND, copy(bob, 1, "02")));

                ErrorBody refused = (ErrorBody) ws.next().body();
                assertThat(refused.code()).isEqualTo("stale_devices");
                assertThat(refused.message()).contains("missing=" + bob.id() + ":2");
                assertThat(queued(database)).isEqualTo(1);
            }
        }
    }

    @DatabaseTest
    void a_device_without_a_bundle_may_still_be_left_out_once_the_list_is_cached(DatabaseUrl url, Database database) {
        TestAccount alice = new TestAccount(clock);
        TestAccount bob = new TestAccount(clock);
        try (TestServer server = TestServer.start(url, clock, Map.of())) {
            String aliceToken = alice.join(server, alice.device(1));
            String bobToken = bob.join(server, bob.device(1));
            bob.register(server, bobToken, bob.device(2));
            try (TestWebSocket ws = TestWebSocket.connect(server, aliceToken)) {
                ws.send(send(1, MESSAGE, copy(bob, 1, "01")));
                assertThat(ws.next().command()).isEqualTo(Command.ACK);

                // Bob's list is cached now: the check without the database cannot tell that device 2
                // has no bundle, so it must hand the send to the full check instead of refusing it.
                ws.send(send(2, SECOND, copy(bob, 1, "02")));

                assertThat(ws.next().command()).isEqualTo(Command.ACK);
                assertThat(queued(database)).isEqualTo(2);
            }
        }
    }

    @DatabaseTest
    void a_send_that_does_not_match_a_cached_list_is_refused_naming_the_devices(DatabaseUrl url, Database database) {
        try (TestServer server = TestServer.start(url, clock, Map.of())) {
            Pair p = pair(server);
            try (TestWebSocket alice = TestWebSocket.connect(server, p.aliceToken())) {
                alice.send(send(1, MESSAGE, copy(p.bob(), 1, "01")));
                assertThat(alice.next().command()).isEqualTo(Command.ACK);

                alice.send(send(2, SECOND, copy(p.bob(), 1, "02"), copy(p.bob(), 3, "03")));

                ErrorBody refused = (ErrorBody) alice.next().body();
                assertThat(refused.code()).isEqualTo("stale_devices");
                assertThat(refused.message()).contains("extra=" + p.bob().id() + ":3");
                assertThat(queued(database)).isEqualTo(1);
            }
        }
    }

    @DatabaseTest
    void a_stale_device_list_is_refused_naming_the_devices_and_nothing_is_stored(DatabaseUrl url, Database database) {
        TestAccount alice = new TestAccount(clock);
        TestAccount bob = new TestAccount(clock);
        TestAccount.CertifiedDevice laptop = bob.device(2);
        try (TestServer server = TestServer.start(url, clock, Map.of())) {
            String aliceToken = alice.join(server, alice.device(1));
            String bobToken = bob.join(server, bob.device(1));
            bob.register(server, bobToken, laptop);
            uploadBundle(server, bob.authenticate(server, laptop), laptop);
            try (TestWebSocket ws = TestWebSocket.connect(server, aliceToken)) {
                ws.send(send(1, MESSAGE, copy(bob, 1, "01")));
                ws.send(send(2, SECOND, copy(bob, 1, "01"), copy(bob, 2, "02"), copy(bob, 3, "03")));

                ErrorBody missing = (ErrorBody) ws.next().body();
                ErrorBody extra = (ErrorBody) ws.next().body();

                assertThat(missing.code()).isEqualTo("stale_devices");
                assertThat(missing.message()).contains("missing=" + bob.id() + ":2");
                assertThat(extra.message()).contains("extra=" + bob.id() + ":3");
                assertThat(queued(database)).isZero();
            }
        }
    }

    @DatabaseTest
    void an_offline_device_gets_its_queue_when_it_connects_until_it_acknowledges(DatabaseUrl url, Database database) {
        try (TestServer server = TestServer.start(url, clock, Map.of())) {
            Pair p = pair(server);
            try (TestWebSocket alice = TestWebSocket.connect(server, p.aliceToken())) {
                alice.send(send(1, MESSAGE, copy(p.bob(), 1, "01")));
                alice.send(send(2, SECOND, copy(p.bob(), 1, "02")));
                alice.next();
                alice.next();
            }
            long firstEntry;
            try (TestWebSocket bob = TestWebSocket.connect(server, p.bobToken())) {
                DirectPush first = (DirectPush) bob.next().body();
                DirectPush second = (DirectPush) bob.next().body();
                assertThat(first.ciphertext()).isEqualTo(Bytes.fromHex("01"));
                assertThat(second.ciphertext()).isEqualTo(Bytes.fromHex("02"));
                assertThat(bob.nextNotice())
                        .as("right after the queued messages")
                        .isEqualTo(new org.nexuslink.protocol.Notice(org.nexuslink.protocol.Notice.QUEUE_EMPTY, ""));
                firstEntry = first.entry();
                bob.send(Envelope.of(
                        Command.ACK, new Seq(1), new Ack(Optional.of(new MessageId(firstEntry)), Optional.empty())));
                bob.send(Envelope.of(Command.PING, new Seq(2), org.nexuslink.protocol.Body.Empty.INSTANCE));
                bob.next();
            }
            try (TestWebSocket bob = TestWebSocket.connect(server, p.bobToken())) {
                DirectPush again = (DirectPush) bob.next().body();
                assertThat(again.ciphertext()).isEqualTo(Bytes.fromHex("02"));
                assertThat(again.entry()).isNotEqualTo(firstEntry);
                assertThat(bob.nextNotice().type()).isEqualTo(org.nexuslink.protocol.Notice.QUEUE_EMPTY);
            }
            assertThat(queued(database)).isEqualTo(1);
        }
    }

    @DatabaseTest
    void a_resend_with_the_same_message_id_is_not_queued_twice(DatabaseUrl url, Database database) {
        try (TestServer server = TestServer.start(url, clock, Map.of())) {
            Pair p = pair(server);
            try (TestWebSocket alice = TestWebSocket.connect(server, p.aliceToken())) {
                alice.send(send(1, MESSAGE, copy(p.bob(), 1, "01")));
                alice.send(send(2, MESSAGE, copy(p.bob(), 1, "01")));

                assertThat(alice.next().command()).isEqualTo(Command.ACK);
                assertThat(alice.next().command()).isEqualTo(Command.ACK);
                assertThat(queued(database)).isEqualTo(1);
            }
        }
    }

    @DatabaseTest
    void expired_entries_are_swept_and_counted(DatabaseUrl url, Database database) {
        try (TestServer server = TestServer.start(url, clock, Map.of("NEXUSLINK_COMMUNITY_MESSAGE_TTL", "60"))) {
            Pair p = pair(server);
            try (TestWebSocket alice = TestWebSocket.connect(server, p.aliceToken())) {
                alice.send(send(1, MESSAGE, copy(p.bob(), 1, "01")));
                alice.next();
            }
            clock.advance(Duration.ofSeconds(61));

            assertThat(server.get("/api/v1/messages/pending", p.bobToken())
                            .body()
                            .get("messages"))
                    .isEmpty();
            assertThat(server.server().sweepExpiredMessages()).isEqualTo(1);
            assertThat(queued(database)).isZero();
            assertThat(server.metrics()).contains("nexuslink_message_queue_ttl_expired_total 1.0");
        }
    }

    @DatabaseTest
    void each_group_commit_is_timed(DatabaseUrl url) {
        try (TestServer server = TestServer.start(url, clock, Map.of())) {
            Pair p = pair(server);
            assertThat(server.metrics()).contains("nexuslink_message_queue_commit_seconds_count 0");
            try (TestWebSocket alice = TestWebSocket.connect(server, p.aliceToken())) {
                alice.send(send(1, MESSAGE, copy(p.bob(), 1, "01")));
                assertThat(alice.next().command()).isEqualTo(Command.ACK);
            }
            // The ack follows the commit, so the batch that held the message has been timed.
            assertThat(server.metrics())
                    .containsPattern("nexuslink_message_queue_commit_seconds_count [1-9]")
                    .contains("nexuslink_message_queue_commit_seconds_bucket{le=\"0.01\"}");
        }
    }

    @DatabaseTest
    void the_rest_fallback_sends_lists_and_acknowledges(DatabaseUrl url, Database database) {
        try (TestServer server = TestServer.start(url, clock, Map.of())) {
            Pair p = pair(server);
            var body = TestServer.object().put("message_id", Base64.getEncoder().encodeToString(MESSAGE.toByteArray()));
            body.putArray("copies")
                    .addObject()
                    .put("account", p.bob().id())
                    .put("device", 1)
                    .put("type", 3)
                    .put("ciphertext", Base64.getEncoder().encodeToString(new byte[] {9, 9}));

            TestServer.Reply sent = server.post("/api/v1/messages/send", body, p.aliceToken());
            TestServer.Reply pending = server.get("/api/v1/messages/pending", p.bobToken());
            long entry = pending.body().get("messages").get(0).get("entry").asLong();

            assertThat(sent.status()).isEqualTo(200);
            assertThat(sent.body().get("queued").asInt()).isEqualTo(1);
            assertThat(pending.body().get("messages").get(0).get("ciphertext").asText())
                    .isEqualTo("CQk=");
            assertThat(pending.body().get("messages").get(0).get("sender").asText())
                    .isEqualTo(p.alice().id());
            assertThat(server.delete("/api/v1/messages/" + entry, p.aliceToken())
                            .code())
                    .isEqualTo("not_found");
            assertThat(server.delete("/api/v1/messages/" + entry, p.bobToken()).status())
                    .isEqualTo(204);
            assertThat(queued(database)).isZero();
            assertThat(server.post("/api/v1/messages/send", body, null).code()).isEqualTo("token_invalid");
        }
    }

    @DatabaseTest
    void a_message_to_a_non_member_is_refused(DatabaseUrl url, Database database) {
        try (TestServer server = TestServer.start(url, clock, Map.of())) {
            Pair p = pair(server);
            TestAccount stranger = new TestAccount(clock);
            try (TestWebSocket alice = TestWebSocket.connect(server, p.aliceToken())) {
                alice.send(send(1, MESSAGE, copy(stranger, 1, "01")));

                assertThat(((ErrorBody) alice.next().body()).code()).isEqualTo("not_found");
                assertThat(queued(database)).isZero();
            }
        }
    }

    // The device lists are cached (DeviceListCache): each test first sends once so the recipient's
    // list is cached, then changes the devices and shows the next send sees the change.

    @DatabaseTest
    void a_device_registered_after_the_list_was_cached_must_be_included(DatabaseUrl url, Database database) {
        TestAccount.CertifiedDevice laptop;
        try (TestServer server = TestServer.start(url, clock, Map.of())) {
            Pair p = pair(server);
            laptop = p.bob().device(2);
            try (TestWebSocket alice = TestWebSocket.connect(server, p.aliceToken())) {
                alice.send(send(1, MESSAGE, copy(p.bob(), 1, "01")));
                assertThat(alice.next().command()).isEqualTo(Command.ACK);

                assertThat(p.bob().register(server, p.bobToken(), laptop).status())
                        .isEqualTo(201);
                uploadBundle(server, p.bob().authenticate(server, laptop), laptop);
                alice.send(send(2, SECOND, copy(p.bob(), 1, "02")));

                ErrorBody refused = (ErrorBody) alice.next().body();
                assertThat(refused.code()).isEqualTo("stale_devices");
                assertThat(refused.message()).contains("missing=" + p.bob().id() + ":2");
                assertThat(queued(database)).isEqualTo(1);
            }
        }
    }

    @DatabaseTest
    void a_device_removed_after_the_list_was_cached_is_refused_as_extra(DatabaseUrl url, Database database) {
        try (TestServer server = TestServer.start(url, clock, Map.of())) {
            Pair p = pair(server);
            TestAccount.CertifiedDevice laptop = p.bob().device(2);
            assertThat(p.bob().register(server, p.bobToken(), laptop).status()).isEqualTo(201);
            try (TestWebSocket alice = TestWebSocket.connect(server, p.aliceToken())) {
                alice.send(send(1, MESSAGE, copy(p.bob(), 1, "01"), copy(p.bob(), 2, "01")));
                assertThat(alice.next().command()).isEqualTo(Command.ACK);

                assertThat(p.bob().remove(server, p.bobToken(), laptop).status())
                        .isEqualTo(204);
                alice.send(send(2, SECOND, copy(p.bob(), 1, "02"), copy(p.bob(), 2, "02")));

                ErrorBody refused = (ErrorBody) alice.next().body();
                assertThat(refused.code()).isEqualTo("stale_devices");
                assertThat(refused.message()).contains("extra=" + p.bob().id() + ":2");
                assertThat(queued(database)).isEqualTo(1);
            }
        }
    }

    @DatabaseTest
    void a_member_who_left_after_the_list_was_cached_is_not_found(DatabaseUrl url, Database database) {
        try (TestServer server = TestServer.start(url, clock, Map.of())) {
            Pair p = pair(server);
            try (TestWebSocket alice = TestWebSocket.connect(server, p.aliceToken())) {
                alice.send(send(1, MESSAGE, copy(p.bob(), 1, "01")));
                assertThat(alice.next().command()).isEqualTo(Command.ACK);

                assertThat(server.delete("/api/v1/members/" + p.bob().id(), p.bobToken())
                                .status())
                        .isEqualTo(204);
                alice.send(send(2, SECOND, copy(p.bob(), 1, "02")));

                assertThat(((ErrorBody) alice.next().body()).code()).isEqualTo("not_found");
                assertThat(queued(database)).isZero();
            }
        }
    }

    @DatabaseTest
    void a_batch_with_a_resend_stores_each_copy_once_and_acknowledges_both(DatabaseUrl url, Database database) {
        try (TestServer server = TestServer.start(url, clock, Map.of())) {
            Pair p = pair(server);
            try (TestWebSocket alice = TestWebSocket.connect(server, p.aliceToken());
                    TestWebSocket bob = TestWebSocket.connect(server, p.bobToken())) {
                // Pipelined: the writer may commit these in one batch; the duplicate is skipped there too.
                alice.send(send(1, MESSAGE, copy(p.bob(), 1, "01")));
                alice.send(send(2, MESSAGE, copy(p.bob(), 1, "01")));
                alice.send(send(3, SECOND, copy(p.bob(), 1, "02")));

                assertThat(List.of(
                                alice.next().command(),
                                alice.next().command(),
                                alice.next().command()))
                        .containsOnly(Command.ACK);
                assertThat(((DirectPush) bob.next().body()).ciphertext()).isEqualTo(Bytes.fromHex("01"));
                assertThat(((DirectPush) bob.next().body()).ciphertext()).isEqualTo(Bytes.fromHex("02"));
                assertThat(queued(database)).isEqualTo(2);
            }
        }
    }

    private static long queuedFor(Database database, TestAccount account, int device) {
        return database.jdbi()
                .withHandle(h -> h.createQuery("SELECT COUNT(*) FROM message_queue "
                                + "WHERE recipient_account = :account AND recipient_device = :device")
                        .bind("account", account.id())
                        .bind("device", device)
                        .mapTo(Long.class)
                        .one());
    }

    private static Bytes messageId(int n) {
        return Bytes.fromHex(String.format("%032x", n));
    }

    @DatabaseTest
    void a_sender_cannot_flood_a_devices_queue_beyond_its_entry_bound(DatabaseUrl url, Database database) {
        TestAccount alice = new TestAccount(clock);
        TestAccount bob = new TestAccount(clock);
        try (TestServer server =
                TestServer.start(url, clock, Map.of("NEXUSLINK_LIMITS_QUEUE_ENTRIES_PER_DEVICE", "3"))) {
            String aliceToken = alice.join(server, alice.device(1));
            String bobToken = bob.join(server, bob.device(1));
            // Bob's laptop has no bundle yet, so the flood may leave it out; the last send includes it.
            bob.register(server, bobToken, bob.device(2));
            try (TestWebSocket ws = TestWebSocket.connect(server, aliceToken)) {
                for (int i = 1; i <= 3; i++) {
                    ws.send(send(i, messageId(i), copy(bob, 1, "0" + i)));
                    assertThat(ws.next().command()).isEqualTo(Command.ACK);
                }

                ws.send(send(4, messageId(4), copy(bob, 2, "42"), copy(bob, 1, "04")));

                ErrorBody refused = (ErrorBody) ws.next().body();
                assertThat(refused.code()).isEqualTo("recipient_queue_full");
                assertThat(refused.message()).contains(bob.id() + ":1");
                assertThat(queuedFor(database, bob, 1)).isEqualTo(3);
                assertThat(queuedFor(database, bob, 2))
                        .as("all or nothing: the laptop's copy is not stored")
                        .isZero();
                assertThat(server.metrics()).contains("nexuslink_queue_full_total 1.0");
            }
            // Delivering and acknowledging one entry frees its place.
            try (TestWebSocket phone = TestWebSocket.connect(server, bobToken)) {
                DirectPush first = (DirectPush) phone.next().body();
                phone.send(Envelope.of(
                        Command.ACK, new Seq(1), new Ack(Optional.of(new MessageId(first.entry())), Optional.empty())));
                phone.send(Envelope.of(Command.PING, new Seq(2), org.nexuslink.protocol.Body.Empty.INSTANCE));
                assertThat(phone.nextOfCommand(Command.PONG).command()).isEqualTo(Command.PONG);
            }
            try (TestWebSocket ws = TestWebSocket.connect(server, aliceToken)) {
                ws.send(send(5, messageId(5), copy(bob, 1, "05")));
                assertThat(ws.next().command()).isEqualTo(Command.ACK);
                assertThat(queuedFor(database, bob, 1)).isEqualTo(3);
            }
        }
    }

    @DatabaseTest
    void a_sender_cannot_flood_a_devices_queue_beyond_its_byte_bound(DatabaseUrl url, Database database) {
        TestAccount alice = new TestAccount(clock);
        TestAccount bob = new TestAccount(clock);
        try (TestServer server =
                TestServer.start(url, clock, Map.of("NEXUSLINK_LIMITS_QUEUE_BYTES_PER_DEVICE", "10"))) {
            String aliceToken = alice.join(server, alice.device(1));
            bob.join(server, bob.device(1));
            try (TestWebSocket ws = TestWebSocket.connect(server, aliceToken)) {
                ws.send(send(1, messageId(1), copy(bob, 1, "0102030405060708")));
                assertThat(ws.next().command()).isEqualTo(Command.ACK);

                ws.send(send(2, messageId(2), copy(bob, 1, "0a0b0c")));

                ErrorBody refused = (ErrorBody) ws.next().body();
                assertThat(refused.code()).isEqualTo("recipient_queue_full");
                assertThat(refused.message()).contains(bob.id() + ":1");
                assertThat(queuedFor(database, bob, 1)).isEqualTo(1);
                assertThat(server.metrics()).contains("nexuslink_queue_full_total 1.0");

                ws.send(send(3, messageId(3), copy(bob, 1, "0a0b")));
                assertThat(ws.next().command()).as("exactly at the bound").isEqualTo(Command.ACK);
            }
        }
    }
}
