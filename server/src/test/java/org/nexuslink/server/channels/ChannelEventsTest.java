// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.channels;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.nexuslink.protocol.Ack;
import org.nexuslink.protocol.Bytes;
import org.nexuslink.protocol.CatchUpRequest;
import org.nexuslink.protocol.CatchUpResult;
import org.nexuslink.protocol.Command;
import org.nexuslink.protocol.ConversationId;
import org.nexuslink.protocol.Envelope;
import org.nexuslink.protocol.ErrorBody;
import org.nexuslink.protocol.Event;
import org.nexuslink.protocol.Extensions;
import org.nexuslink.protocol.Kind;
import org.nexuslink.protocol.MessageId;
import org.nexuslink.protocol.RawValue;
import org.nexuslink.protocol.Seq;
import org.nexuslink.protocol.Tag;
import org.nexuslink.server.storage.DatabaseUrl;
import org.nexuslink.server.testing.DatabaseTest;
import org.nexuslink.server.testing.MutableClock;
import org.nexuslink.server.testing.TestCommunity;
import org.nexuslink.server.testing.TestServer;
import org.nexuslink.server.testing.TestWebSocket;

/** Channel events over real WebSockets: permission, relay order, fan-out, catch-up, reply and revoke rules. */
class ChannelEventsTest {
    private final MutableClock clock = new MutableClock();

    private static ConversationId channel(TestCommunity c, String name, String type, boolean isPrivate) {
        TestServer.Reply created = c.server.post(
                "/api/v1/channels",
                TestServer.object().put("name", name).put("type", type).put("private", isPrivate),
                c.adminToken);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return ConversationId.of(UUID.fromString(created.body().get("id").asText()));
    }

    private static Envelope send(long seq, ConversationId cid, Kind kind, String hex, Tag... tags) {
        return Envelope.of(
                Command.SEND_EVENT,
                new Seq(seq),
                Event.of(cid, kind, Bytes.fromHex(hex)).withTags(List.of(tags)));
    }

    private static String code(Envelope e) {
        return ((ErrorBody) e.body()).code();
    }

    @DatabaseTest
    void an_event_gets_the_next_mid_reaches_readers_and_is_caught_up(DatabaseUrl url) {
        try (TestCommunity c = TestCommunity.start(url, clock);
                TestWebSocket member = TestWebSocket.connect(c.server, c.memberToken);
                TestWebSocket admin = TestWebSocket.connect(c.server, c.adminToken)) {
            ConversationId general = channel(c, "general", "text", false);

            Envelope forged = send(1, general, Kind.TEXT, "c1");
            member.send(Envelope.of(
                    Command.SEND_EVENT,
                    new Seq(1),
                    ((Event) forged.body())
                            .withExt(Extensions.EMPTY.with(Extensions.AUTHOR, RawValue.ofString(c.admin.id())))));
            member.send(send(2, general, Kind.TEXT, "c2"));

            Ack first = (Ack) member.nextOfCommand(Command.ACK).body();
            Ack second = (Ack) member.nextOfCommand(Command.ACK).body();
            assertThat(first.mid()).contains(new MessageId(1));
            assertThat(second.mid()).contains(new MessageId(2));
            Event pushed = (Event) admin.nextOfCommand(Command.EVENT_PUSH).body();
            assertThat(pushed.data()).isEqualTo(Bytes.fromHex("c1"));
            assertThat(pushed.mid()).contains(new MessageId(1));
            assertThat(pushed.ext().get(Extensions.AUTHOR).flatMap(RawValue::asString))
                    .as("the server names the real author, not the one the client claimed")
                    .contains(c.member.id());
            assertThat(pushed.ext().get(Extensions.AUTHOR_DEVICE).orElseThrow().asUnsigned())
                    .hasValue(1);
            assertThat(((Event) admin.nextOfCommand(Command.EVENT_PUSH).body()).mid())
                    .contains(new MessageId(2));

            admin.send(Envelope.of(
                    Command.CATCH_UP, new Seq(9), new CatchUpRequest(general, Optional.of(new MessageId(0 + 1)), 10)));
            member.send(Envelope.of(Command.CATCH_UP, new Seq(3), new CatchUpRequest(general, Optional.empty(), 1)));
            CatchUpResult rest =
                    (CatchUpResult) admin.nextOfCommand(Command.CATCH_UP_RESULT).body();
            CatchUpResult page = (CatchUpResult)
                    member.nextOfCommand(Command.CATCH_UP_RESULT).body();
            assertThat(rest.events()).extracting(Event::data).containsExactly(Bytes.fromHex("c2"));
            assertThat(rest.events().getFirst().ext().get(Extensions.AUTHOR).flatMap(RawValue::asString))
                    .contains(c.member.id());
            assertThat(rest.more()).isFalse();
            assertThat(page.events()).extracting(Event::data).containsExactly(Bytes.fromHex("c1"));
            assertThat(page.more()).isTrue();
        }
    }

    @DatabaseTest
    void members_may_not_write_in_an_announcement_channel_and_outsiders_see_nothing_private(DatabaseUrl url) {
        try (TestCommunity c = TestCommunity.start(url, clock);
                TestWebSocket member = TestWebSocket.connect(c.server, c.memberToken);
                TestWebSocket admin = TestWebSocket.connect(c.server, c.adminToken)) {
            ConversationId news = channel(c, "news", "announcement", false);
            ConversationId staff = channel(c, "staff", "text", true);

            member.send(send(1, news, Kind.TEXT, "01"));
            assertThat(code(member.nextOfCommand(Command.ERROR))).isEqualTo("forbidden");
            admin.send(send(1, staff, Kind.TEXT, "02"));
            assertThat(admin.nextOfCommand(Command.ACK).seq()).isEqualTo(new Seq(1));
            member.send(Envelope.of(Command.CATCH_UP, new Seq(2), new CatchUpRequest(staff, Optional.empty(), 10)));
            Envelope refused = member.next();
            assertThat(refused.command())
                    .as("the member got no push of the private event")
                    .isEqualTo(Command.ERROR);
            assertThat(code(refused)).isEqualTo("forbidden");
            member.send(send(3, ConversationId.of(UUID.randomUUID()), Kind.TEXT, "03"));
            assertThat(code(member.nextOfCommand(Command.ERROR))).isEqualTo("not_found");
        }
    }

    @DatabaseTest
    void replies_and_revokes_follow_seed_001s_rules(DatabaseUrl url) {
        try (TestCommunity c = TestCommunity.start(url, clock);
                TestWebSocket member = TestWebSocket.connect(c.server, c.memberToken);
                TestWebSocket moderator = TestWebSocket.connect(c.server, c.moderatorToken)) {
            ConversationId general = channel(c, "general", "text", false);
            member.send(send(1, general, Kind.TEXT, "01"));
            member.nextOfCommand(Command.ACK);
            moderator.send(send(1, general, Kind.TEXT, "02"));
            moderator.nextOfCommand(Command.ACK);

            member.send(send(2, general, Kind.TEXT, "03", new Tag.Reply(new MessageId(99))));
            assertThat(code(member.nextOfCommand(Command.ERROR))).isEqualTo("not_found");
            member.send(send(3, general, Kind.TEXT, "04", new Tag.Reply(new MessageId(2))));
            assertThat(member.nextOfCommand(Command.ACK).seq()).isEqualTo(new Seq(3));

            member.send(send(4, general, Kind.REVOKE, "00", new Tag.Revoke(new MessageId(2))));
            assertThat(code(member.nextOfCommand(Command.ERROR))).isEqualTo("forbidden");
            moderator.send(send(2, general, Kind.REVOKE, "00", new Tag.Revoke(new MessageId(1))));
            assertThat(((Ack) moderator.nextOfCommand(Command.ACK).body()).mid())
                    .isPresent();
            member.send(send(5, general, Kind.REVOKE, "00", new Tag.Revoke(new MessageId(3))));
            assertThat(member.nextOfCommand(Command.ACK).seq()).isEqualTo(new Seq(5));
            member.send(send(6, general, Kind.REVOKE, "00"));
            assertThat(code(member.nextOfCommand(Command.ERROR))).isEqualTo("invalid_field");

            clock.advance(Duration.ofMinutes(3));
            member.send(send(7, general, Kind.TEXT, "05"));
            long late = ((Ack) member.nextOfCommand(Command.ACK).body())
                    .mid()
                    .orElseThrow()
                    .value();
            clock.advance(Duration.ofMinutes(3));
            member.send(send(8, general, Kind.REVOKE, "00", new Tag.Revoke(new MessageId(late))));
            assertThat(code(member.nextOfCommand(Command.ERROR))).isEqualTo("forbidden");

            member.send(Envelope.of(Command.CATCH_UP, new Seq(9), new CatchUpRequest(general, Optional.empty(), 100)));
            CatchUpResult all = (CatchUpResult)
                    member.nextOfCommand(Command.CATCH_UP_RESULT).body();
            assertThat(all.events()).extracting(Event::data).contains(Bytes.fromHex("01"), Bytes.fromHex("04"));
        }
    }

    @DatabaseTest
    void the_author_may_revoke_inside_the_configured_window_and_not_after_it(DatabaseUrl url) {
        try (TestCommunity c =
                        TestCommunity.start(url, clock, java.util.Map.of("NEXUSLINK_COMMUNITY_REVOKE_WINDOW", "30"));
                TestWebSocket member = TestWebSocket.connect(c.server, c.memberToken);
                TestWebSocket moderator = TestWebSocket.connect(c.server, c.moderatorToken)) {
            ConversationId general = channel(c, "general", "text", false);
            member.send(send(1, general, Kind.TEXT, "01"));
            long early = ((Ack) member.nextOfCommand(Command.ACK).body())
                    .mid()
                    .orElseThrow()
                    .value();
            member.send(send(2, general, Kind.TEXT, "02"));
            long late = ((Ack) member.nextOfCommand(Command.ACK).body())
                    .mid()
                    .orElseThrow()
                    .value();
            moderator.send(send(1, general, Kind.TEXT, "03"));
            long moderators = ((Ack) moderator.nextOfCommand(Command.ACK).body())
                    .mid()
                    .orElseThrow()
                    .value();

            clock.advance(Duration.ofSeconds(30));
            member.send(send(3, general, Kind.REVOKE, "00", new Tag.Revoke(new MessageId(early))));
            assertThat(member.nextOfCommand(Command.ACK).seq())
                    .as("30 s is still inside a 30 s window")
                    .isEqualTo(new Seq(3));

            clock.advance(Duration.ofSeconds(1));
            member.send(send(4, general, Kind.REVOKE, "00", new Tag.Revoke(new MessageId(late))));
            Envelope refused = member.nextOfCommand(Command.ERROR);
            assertThat(code(refused)).isEqualTo("forbidden");
            assertThat(((ErrorBody) refused.body()).message()).contains("revoke window of 30 s");

            clock.advance(Duration.ofMinutes(10));
            moderator.send(send(2, general, Kind.REVOKE, "00", new Tag.Revoke(new MessageId(moderators))));
            assertThat(moderator.nextOfCommand(Command.ACK).seq())
                    .as("a moderator's own event, long after the window")
                    .isEqualTo(new Seq(2));
            moderator.send(send(3, general, Kind.REVOKE, "00", new Tag.Revoke(new MessageId(late))));
            assertThat(moderator.nextOfCommand(Command.ACK).seq()).isEqualTo(new Seq(3));

            member.send(Envelope.of(Command.CATCH_UP, new Seq(5), new CatchUpRequest(general, Optional.empty(), 100)));
            CatchUpResult all = (CatchUpResult)
                    member.nextOfCommand(Command.CATCH_UP_RESULT).body();
            assertThat(all.events())
                    .as("three messages and three accepted revokes, nothing for the refused one")
                    .hasSize(6);
            assertThat(all.events()).extracting(Event::data).contains(Bytes.fromHex("01"), Bytes.fromHex("02"));
        }
    }
}
