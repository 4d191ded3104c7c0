// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.channels;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nexuslink.protocol.Ack;
import org.nexuslink.protocol.Bytes;
import org.nexuslink.protocol.CatchUpRequest;
import org.nexuslink.protocol.CatchUpResult;
import org.nexuslink.protocol.Command;
import org.nexuslink.protocol.ConversationId;
import org.nexuslink.protocol.Envelope;
import org.nexuslink.protocol.ErrorBody;
import org.nexuslink.protocol.Event;
import org.nexuslink.protocol.Flags;
import org.nexuslink.protocol.Kind;
import org.nexuslink.protocol.MessageId;
import org.nexuslink.protocol.Notice;
import org.nexuslink.protocol.Seq;
import org.nexuslink.protocol.Tag;
import org.nexuslink.server.storage.DatabaseUrl;
import org.nexuslink.server.testing.ByteSearch;
import org.nexuslink.server.testing.DatabaseTest;
import org.nexuslink.server.testing.MutableClock;
import org.nexuslink.server.testing.SqliteDatabaseExtension;
import org.nexuslink.server.testing.TestCommunity;
import org.nexuslink.server.testing.TestServer;
import org.nexuslink.server.testing.TestWebSocket;

/** Moderator deletion over real HTTP and WebSockets: tombstone, audit entry, notice, refusals, bytes gone. */
class EventDeletionTest {
    private final MutableClock clock = new MutableClock();

    private static ConversationId channel(TestCommunity c, String name) {
        TestServer.Reply created =
                c.server.post("/api/v1/channels", TestServer.object().put("name", name), c.adminToken);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return ConversationId.of(UUID.fromString(created.body().get("id").asText()));
    }

    private static String path(ConversationId cid, Object mid) {
        byte[] b = cid.value().toByteArray();
        java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(b);
        return "/api/v1/channels/" + new UUID(buffer.getLong(), buffer.getLong()) + "/events/" + mid;
    }

    private static long send(TestWebSocket socket, long seq, ConversationId cid, Bytes data, Tag... tags) {
        socket.send(Envelope.of(
                Command.SEND_EVENT, new Seq(seq), Event.of(cid, Kind.TEXT, data).withTags(List.of(tags))));
        return ((Ack) socket.nextOfCommand(Command.ACK).body())
                .mid()
                .orElseThrow()
                .value();
    }

    private static List<Event> catchUp(TestWebSocket socket, ConversationId cid) {
        socket.send(Envelope.of(Command.CATCH_UP, new Seq(99), new CatchUpRequest(cid, Optional.empty(), 100)));
        return ((CatchUpResult) socket.nextOfCommand(Command.CATCH_UP_RESULT).body()).events();
    }

    private static JsonNode deletions(TestCommunity c) {
        return c.server.get("/api/v1/audit?action=delete", c.adminToken).body().get("entries");
    }

    @DatabaseTest
    void a_moderator_deletes_an_event_leaving_a_tombstone_an_audit_entry_and_a_notice(DatabaseUrl url) {
        try (TestCommunity c = TestCommunity.start(url, clock);
                TestWebSocket member = TestWebSocket.connect(c.server, c.memberToken);
                TestWebSocket reader = TestWebSocket.connect(c.server, c.adminToken)) {
            ConversationId general = channel(c, "general");
            long first = send(member, 1, general, Bytes.fromHex("c1c1"));
            send(member, 2, general, Bytes.fromHex("c2c2"));

            TestServer.Reply deleted = c.server.delete(path(general, first) + "?reason=spam", c.moderatorToken);

            assertThat(deleted.status()).as(deleted.toString()).isEqualTo(204);
            Notice notice = (Notice) reader.nextOfCommand(Command.NOTICE).body();
            assertThat(notice.type()).isEqualTo("event_deleted");
            assertThat(notice.detail())
                    .isEqualTo("cid=" + HexFormat.of().formatHex(general.value().toByteArray()) + ",mid=" + first);
            List<Event> events = catchUp(member, general);
            assertThat(events).hasSize(2);
            Event tombstone = events.get(0);
            assertThat(tombstone.mid()).contains(new MessageId(first));
            assertThat(tombstone.kind()).isEqualTo(Kind.TEXT);
            assertThat(tombstone.time()).isPresent();
            assertThat(tombstone.flags().contains(Flags.DELETED)).isTrue();
            assertThat(tombstone.data().isEmpty()).isTrue();
            assertThat(tombstone.signature()).isEmpty();
            assertThat(events.get(1).data()).isEqualTo(Bytes.fromHex("c2c2"));
            assertThat(events.get(1).flags().contains(Flags.DELETED)).isFalse();

            JsonNode audit = deletions(c);
            assertThat(audit).hasSize(1);
            assertThat(audit.get(0).get("actor").asText()).isEqualTo(c.moderator.id());
            assertThat(audit.get(0).get("target_account").asText()).isEqualTo(c.member.id());
            assertThat(audit.get(0).get("target_channel").asText())
                    .isEqualTo(path(general, "").split("/")[4]);
            assertThat(audit.get(0).at("/details/mid").asLong()).isEqualTo(first);
            assertThat(audit.get(0).at("/details/kind").asInt()).isEqualTo(1);
            assertThat(audit.get(0).at("/details/reason").asText()).isEqualTo("spam");

            TestServer.Reply again = c.server.delete(path(general, first), c.adminToken);
            assertThat(again.status()).as("deleting a tombstone is idempotent").isEqualTo(204);
            assertThat(deletions(c)).as("and writes no second entry").hasSize(1);
        }
    }

    @DatabaseTest
    void deletion_is_refused_to_members_strangers_and_for_what_does_not_exist(DatabaseUrl url) {
        try (TestCommunity c = TestCommunity.start(url, clock);
                TestWebSocket member = TestWebSocket.connect(c.server, c.memberToken)) {
            ConversationId general = channel(c, "general");
            long mid = send(member, 1, general, Bytes.fromHex("0102"));

            assertThat(c.server.delete(path(general, mid), null).status()).isEqualTo(401);
            TestServer.Reply plain = c.server.delete(path(general, mid), c.memberToken);
            assertThat(plain.status()).isEqualTo(403);
            assertThat(plain.code()).isEqualTo("forbidden");
            assertThat(plain.body().get("message").asText()).startsWith("role:");
            TestServer.Reply noChannel =
                    c.server.delete(path(ConversationId.of(UUID.randomUUID()), mid), c.moderatorToken);
            assertThat(noChannel.status()).isEqualTo(404);
            assertThat(c.server
                            .delete(path(general, mid + 99), c.moderatorToken)
                            .status())
                    .isEqualTo(404);
            TestServer.Reply notANumber = c.server.delete(path(general, "first"), c.moderatorToken);
            assertThat(notANumber.status()).isEqualTo(400);
            assertThat(notANumber.body().get("message").asText())
                    .contains("mid")
                    .contains("'first'");
            assertThat(c.server.delete(path(general, 0), c.moderatorToken).status())
                    .isEqualTo(400);
            TestServer.Reply longReason =
                    c.server.delete(path(general, mid) + "?reason=" + "x".repeat(501), c.moderatorToken);
            assertThat(longReason.status()).isEqualTo(400);
            assertThat(longReason.code()).isEqualTo("invalid_field");

            assertThat(catchUp(member, general).get(0).data())
                    .as("nothing changed")
                    .isEqualTo(Bytes.fromHex("0102"));
            assertThat(deletions(c)).isEmpty();
        }
    }

    @DatabaseTest
    void a_deleted_event_can_be_neither_revoked_nor_replied_to(DatabaseUrl url) {
        try (TestCommunity c = TestCommunity.start(url, clock);
                TestWebSocket member = TestWebSocket.connect(c.server, c.memberToken)) {
            ConversationId general = channel(c, "general");
            long mid = send(member, 1, general, Bytes.fromHex("01"));
            assertThat(c.server.delete(path(general, mid), c.moderatorToken).status())
                    .isEqualTo(204);

            member.send(Envelope.of(
                    Command.SEND_EVENT,
                    new Seq(2),
                    Event.of(general, Kind.REVOKE, Bytes.fromHex("00"))
                            .withTags(List.of(new Tag.Revoke(new MessageId(mid))))));
            ErrorBody revoke = (ErrorBody) member.nextOfCommand(Command.ERROR).body();
            member.send(Envelope.of(
                    Command.SEND_EVENT,
                    new Seq(3),
                    Event.of(general, Kind.TEXT, Bytes.fromHex("02"))
                            .withTags(List.of(new Tag.Reply(new MessageId(mid))))));
            ErrorBody reply = (ErrorBody) member.nextOfCommand(Command.ERROR).body();
            member.send(Envelope.of(
                    Command.SEND_EVENT,
                    new Seq(4),
                    Event.of(general, Kind.TEXT, Bytes.fromHex("03")).withFlags(Flags.DELETED)));
            ErrorBody flagged = (ErrorBody) member.nextOfCommand(Command.ERROR).body();

            assertThat(revoke.code()).isEqualTo("conflict");
            assertThat(revoke.message()).contains("revoke target " + mid + " was deleted");
            assertThat(reply.code()).isEqualTo("conflict");
            assertThat(reply.message()).contains("reply target " + mid + " was deleted");
            assertThat(flagged.code()).isEqualTo("invalid_field");
            assertThat(catchUp(member, general))
                    .as("none of the three was stored")
                    .hasSize(1);
        }
    }

    @Test
    @ExtendWith(SqliteDatabaseExtension.class)
    void the_deleted_bytes_leave_the_sqlite_file_and_its_write_ahead_log(DatabaseUrl.Sqlite url) throws IOException {
        SecureRandom random = new SecureRandom();
        byte[] small = new byte[48];
        byte[] large = new byte[6000];
        random.nextBytes(small);
        random.nextBytes(large);
        try (TestCommunity c = TestCommunity.start(url, clock);
                TestWebSocket member = TestWebSocket.connect(c.server, c.memberToken)) {
            ConversationId general = channel(c, "general");
            long smallMid = send(member, 1, general, Bytes.of(small));
            long largeMid = send(member, 2, general, Bytes.of(large));
            byte[] before = files(url.file());
            assertThat(ByteSearch.indexOf(before, small))
                    .as("the test sees stored bytes")
                    .isNotNegative();
            assertThat(ByteSearch.indexOf(before, slice(large, 3000))).isNotNegative();

            assertThat(c.server
                            .delete(path(general, smallMid), c.moderatorToken)
                            .status())
                    .isEqualTo(204);
            assertThat(c.server
                            .delete(path(general, largeMid), c.moderatorToken)
                            .status())
                    .isEqualTo(204);

            byte[] after = files(url.file());
            assertThat(ByteSearch.indexOf(after, small))
                    .as("small payload in the database file or WAL")
                    .isNegative();
            for (int at = 0; at + 32 <= large.length; at += 500) {
                assertThat(ByteSearch.indexOf(after, slice(large, at)))
                        .as("large payload at " + at)
                        .isNegative();
            }
        }
    }

    /** The database file and its write-ahead log, concatenated. */
    private static byte[] files(Path database) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(Files.readAllBytes(database));
        Path wal = database.resolveSibling(database.getFileName() + "-wal");
        if (Files.exists(wal)) {
            all.writeBytes(Files.readAllBytes(wal));
        }
        return all.toByteArray();
    }

    private static byte[] slice(byte[] bytes, int from) {
        return java.util.Arrays.copyOfRange(bytes, from, from + 32);
    }
}
