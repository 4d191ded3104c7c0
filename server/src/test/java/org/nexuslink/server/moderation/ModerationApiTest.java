// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.moderation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.protocol.Body;
import org.nexuslink.protocol.Command;
import org.nexuslink.protocol.Envelope;
import org.nexuslink.protocol.ErrorCode;
import org.nexuslink.protocol.Seq;
import org.nexuslink.server.accounts.MemberStore;
import org.nexuslink.server.audit.AuditLog;
import org.nexuslink.server.auth.TokenStore;
import org.nexuslink.server.gateway.Connection;
import org.nexuslink.server.http.ApiException;
import org.nexuslink.server.permissions.Permissions;
import org.nexuslink.server.storage.Database;
import org.nexuslink.server.storage.DatabaseUrl;
import org.nexuslink.server.testing.DatabaseTest;
import org.nexuslink.server.testing.MutableClock;
import org.nexuslink.server.testing.TestAccount;
import org.nexuslink.server.testing.TestCommunity;
import org.nexuslink.server.testing.TestServer;
import org.nexuslink.server.testing.TestWebSocket;

/** Roles, bans, mutes and removals over real HTTP and WebSockets, on SQLite and PostgreSQL. */
class ModerationApiTest {
    private final MutableClock clock = new MutableClock();

    private static long count(Database database, String from) {
        return database.jdbi()
                .withHandle(h -> h.createQuery("SELECT COUNT(*) FROM " + from)
                        .mapTo(Long.class)
                        .one());
    }

    private static JsonNode memberRow(TestCommunity c, String account) {
        for (JsonNode m :
                c.server.get("/api/v1/members?limit=500", c.adminToken).body().get("members")) {
            if (m.get("account_id").asText().equals(account)) {
                return m;
            }
        }
        return TestServer.object();
    }

    private static String textChannel(TestCommunity c) {
        TestServer.Reply reply = c.server.post(
                "/api/v1/channels", TestServer.object().put("name", "general").put("type", "text"), c.adminToken);
        assertThat(reply.status()).isEqualTo(201);
        return reply.body().get("id").asText();
    }

    private static boolean canWrite(TestCommunity c, String channel, String token) {
        return c.server
                .get("/api/v1/channels/" + channel, token)
                .body()
                .at("/access/can_write")
                .asBoolean();
    }

    private static String role(String role) {
        return "{\"role\": \"" + role + "\"}";
    }

    @DatabaseTest
    void admins_change_roles_and_others_may_not(DatabaseUrl url) {
        try (TestCommunity c = TestCommunity.start(url, clock)) {
            String path = "/api/v1/members/" + c.member.id() + "/role";

            TestServer.Reply byModerator = c.server.put(path, role("admin"), c.moderatorToken);
            TestServer.Reply byMember = c.server.put(path, role("admin"), c.memberToken);
            TestServer.Reply anonymous = c.server.put(path, role("admin"), null);
            TestServer.Reply unknownRole = c.server.put(path, role("owner"), c.adminToken);
            TestServer.Reply unknownMember =
                    c.server.put("/api/v1/members/nxl:" + "a".repeat(56) + "/role", role("moderator"), c.adminToken);

            assertThat(byModerator.code()).isEqualTo("forbidden");
            assertThat(byMember.code()).isEqualTo("forbidden");
            assertThat(anonymous.code()).isEqualTo("token_invalid");
            assertThat(unknownRole.code()).isEqualTo("invalid_field");
            assertThat(unknownMember.code()).isIn("not_found", "invalid_field");
            assertThat(memberRow(c, c.member.id()).get("role").asText()).isEqualTo("member");

            TestServer.Reply promoted = c.server.put(path, role("moderator"), c.adminToken);
            assertThat(promoted.status()).isEqualTo(200);
            assertThat(promoted.body().get("role").asText()).isEqualTo("moderator");
            assertThat(memberRow(c, c.member.id()).get("role").asText()).isEqualTo("moderator");
        }
    }

    @DatabaseTest
    void the_last_admin_cannot_demote_or_remove_itself(DatabaseUrl url, Database database) {
        try (TestCommunity c = TestCommunity.start(url, clock)) {
            String self = "/api/v1/members/" + c.admin.id();

            TestServer.Reply demote = c.server.put(self + "/role", role("member"), c.adminToken);
            TestServer.Reply leave = c.server.delete(self, c.adminToken);

            assertThat(demote.status()).isEqualTo(409);
            assertThat(demote.code()).isEqualTo("last_admin");
            assertThat(leave.code()).isEqualTo("last_admin");
            assertThat(memberRow(c, c.admin.id()).get("role").asText()).isEqualTo("admin");

            assertThat(c.server
                            .put("/api/v1/members/" + c.moderator.id() + "/role", role("admin"), c.adminToken)
                            .status())
                    .isEqualTo(200);
            assertThat(c.server
                            .put(self + "/role", role("member"), c.adminToken)
                            .status())
                    .isEqualTo(200);
            assertThat(c.server
                            .put("/api/v1/members/" + c.moderator.id() + "/role", role("member"), c.moderatorToken)
                            .code())
                    .isEqualTo("last_admin");
        }
    }

    @DatabaseTest
    void a_ban_kills_tokens_closes_the_websocket_within_a_second_and_prevents_rejoining(DatabaseUrl url) {
        try (TestCommunity c = TestCommunity.start(url, clock)) {
            String channel = textChannel(c);
            try (TestWebSocket ws = TestWebSocket.connect(c.server, c.memberToken)) {
                ws.send(Envelope.of(Command.PING, new Seq(1), Body.Empty.INSTANCE));
                assertThat(ws.next()).isEqualTo(Envelope.of(Command.PONG, new Seq(1), Body.Empty.INSTANCE));

                TestServer.Reply banned = c.server.post(
                        "/api/v1/members/" + c.member.id() + "/ban",
                        TestServer.object().put("reason", "spam"),
                        c.moderatorToken);

                assertThat(banned.status()).as(banned.toString()).isEqualTo(200);
                assertThat(banned.body().get("status").asText()).isEqualTo("banned");
                assertThat(ws.closeCode(1)).isEqualTo(Connection.CLOSE_REVOKED);
                assertThat(ws.closeReason(1)).isEqualTo("banned");
            }
            assertThat(c.server
                            .get("/api/v1/channels/" + channel, c.memberToken)
                            .code())
                    .isEqualTo("token_invalid");
            TestServer.Reply verify =
                    c.server.post("/api/v1/auth/verify", c.member.verifyRequest(c.server, c.memberDevice), null);
            assertThat(verify.code()).isEqualTo("sign_in_refused");
            TestServer.Reply rejoin =
                    c.server.post("/api/v1/members/join", c.member.joinRequest(c.server, c.member.device(2)), null);
            assertThat(rejoin.code()).isEqualTo("account_banned");
            assertThat(memberRow(c, c.member.id()).get("status").asText()).isEqualTo("banned");
            assertThat(c.server
                            .post("/api/v1/members/" + c.member.id() + "/ban", "", c.adminToken)
                            .code())
                    .isEqualTo("conflict");

            assertThat(c.server
                            .delete("/api/v1/members/" + c.member.id() + "/ban", c.memberToken)
                            .code())
                    .isEqualTo("token_invalid");
            TestServer.Reply unbanned = c.server.delete("/api/v1/members/" + c.member.id() + "/ban", c.adminToken);
            assertThat(unbanned.body().get("status").asText()).isEqualTo("active");
            String token = c.member.authenticate(c.server, c.memberDevice);
            assertThat(canWrite(c, channel, token)).isTrue();
        }
    }

    @DatabaseTest
    void moderators_act_on_members_only_and_admins_on_everyone_else(DatabaseUrl url, Database database) {
        try (TestCommunity c = TestCommunity.start(url, clock)) {
            TestAccount otherModerator = new TestAccount(clock);
            String otherToken = c.join(otherModerator);
            c.server.put("/api/v1/members/" + otherModerator.id() + "/role", role("moderator"), c.adminToken);

            List<TestServer.Reply> refused = List.of(
                    c.server.post("/api/v1/members/" + c.admin.id() + "/ban", "", c.moderatorToken),
                    c.server.post("/api/v1/members/" + otherModerator.id() + "/ban", "", c.moderatorToken),
                    c.server.post("/api/v1/members/" + otherModerator.id() + "/mute", "", c.moderatorToken),
                    c.server.delete("/api/v1/members/" + otherModerator.id(), c.moderatorToken),
                    c.server.post("/api/v1/members/" + c.moderator.id() + "/ban", "", c.memberToken),
                    c.server.post("/api/v1/members/" + c.admin.id() + "/ban", "", c.adminToken));

            assertThat(refused).extracting(TestServer.Reply::code).containsOnly("forbidden");
            assertThat(refused.get(0).body().get("message").asText()).startsWith("target_rank:");
            assertThat(refused.get(5).body().get("message").asText()).startsWith("self:");
            assertThat(count(database, "members WHERE is_banned")).isZero();
            assertThat(count(database, "member_overrides")).isZero();

            assertThat(c.server
                            .post("/api/v1/members/" + otherModerator.id() + "/ban", "", c.adminToken)
                            .status())
                    .isEqualTo(200);
            assertThat(c.server.get("/api/v1/channels", otherToken).code()).isEqualTo("token_invalid");
        }
    }

    @DatabaseTest
    void a_timed_channel_mute_ends_by_itself(DatabaseUrl url) {
        try (TestCommunity c = TestCommunity.start(url, clock)) {
            String channel = textChannel(c);
            String other = c.server
                    .post("/api/v1/channels", TestServer.object().put("name", "other"), c.adminToken)
                    .body()
                    .get("id")
                    .asText();

            TestServer.Reply muted = c.server.post(
                    "/api/v1/members/" + c.member.id() + "/mute",
                    TestServer.object()
                            .put("channel_id", channel)
                            .put("duration_seconds", 600)
                            .put("reason", "cool down"),
                    c.moderatorToken);

            assertThat(muted.status()).as(muted.toString()).isEqualTo(200);
            assertThat(muted.body().get("expires_at").asText())
                    .isEqualTo(clock.instant().plusSeconds(600).toString());
            assertThat(canWrite(c, channel, c.memberToken)).isFalse();
            assertThat(c.server
                            .get("/api/v1/channels/" + channel, c.memberToken)
                            .body()
                            .at("/access/write_refusal")
                            .asText())
                    .startsWith("muted:")
                    .contains("cool down");
            assertThat(canWrite(c, other, c.memberToken)).isTrue();
            clock.advance(Duration.ofSeconds(600));
            assertThat(canWrite(c, channel, c.memberToken)).isTrue();
            assertThat(c.server
                            .delete(
                                    "/api/v1/members/" + c.member.id() + "/mute?channel_id=" + channel,
                                    c.moderatorToken)
                            .code())
                    .isEqualTo("not_found");
        }
    }

    @DatabaseTest
    void a_community_wide_mute_lasts_until_lifted(DatabaseUrl url) {
        try (TestCommunity c = TestCommunity.start(url, clock)) {
            String channel = textChannel(c);

            assertThat(c.server
                            .post("/api/v1/members/" + c.member.id() + "/mute", "", c.adminToken)
                            .status())
                    .isEqualTo(200);
            clock.advance(Duration.ofDays(365));
            String token = c.member.authenticate(c.server, c.memberDevice);
            assertThat(canWrite(c, channel, token)).isFalse();
            String adminToken = c.admin.authenticate(c.server, c.adminDevice);
            assertThat(c.server
                            .post(
                                    "/api/v1/members/" + c.member.id() + "/mute",
                                    TestServer.object().put("duration_seconds", 0),
                                    adminToken)
                            .code())
                    .isEqualTo("invalid_field");
            assertThat(c.server
                            .post("/api/v1/members/" + c.admin.id() + "/mute", "", token)
                            .code())
                    .isEqualTo("forbidden");
            assertThat(c.server
                            .delete("/api/v1/members/" + c.member.id() + "/mute", token)
                            .code())
                    .isEqualTo("forbidden");
            assertThat(c.server
                            .delete("/api/v1/members/" + c.member.id() + "/mute", adminToken)
                            .status())
                    .isEqualTo(204);
            assertThat(canWrite(c, channel, token)).isTrue();
        }
    }

    @DatabaseTest
    void a_kicked_member_loses_its_sessions_and_may_join_again(DatabaseUrl url) {
        try (TestCommunity c = TestCommunity.start(url, clock)) {
            try (TestWebSocket ws = TestWebSocket.connect(c.server, c.memberToken)) {
                assertThat(c.server
                                .delete("/api/v1/members/" + c.member.id() + "?reason=rude", c.moderatorToken)
                                .status())
                        .isEqualTo(204);
                assertThat(ws.closeCode(1)).isEqualTo(Connection.CLOSE_REVOKED);
                assertThat(ws.closeReason(1)).isEqualTo("removed from the community");
            }
            assertThat(c.server.get("/api/v1/channels", c.memberToken).code()).isEqualTo("token_invalid");
            assertThat(memberRow(c, c.member.id()).isEmpty()).isTrue();
            assertThat(c.server
                            .delete("/api/v1/members/" + c.member.id(), c.moderatorToken)
                            .code())
                    .isEqualTo("not_found");

            String token = c.member.join(c.server, c.member.device(1));
            assertThat(c.server.get("/api/v1/channels", token).status()).isEqualTo(200);
        }
    }

    @DatabaseTest
    void a_muted_member_cannot_lift_its_mutes_by_leaving_and_rejoining(DatabaseUrl url, Database database) {
        try (TestCommunity c = TestCommunity.start(url, clock)) {
            String channel = textChannel(c);
            String other = c.server
                    .post("/api/v1/channels", TestServer.object().put("name", "other"), c.adminToken)
                    .body()
                    .get("id")
                    .asText();
            assertThat(c.server
                            .post(
                                    "/api/v1/members/" + c.member.id() + "/mute",
                                    TestServer.object()
                                            .put("channel_id", channel)
                                            .put("reason", "spam"),
                                    c.moderatorToken)
                            .status())
                    .isEqualTo(200);
            long overrides = count(database, "member_overrides");

            assertThat(c.server
                            .delete("/api/v1/members/" + c.member.id(), c.memberToken)
                            .status())
                    .isEqualTo(204);
            String rejoined = c.member.join(c.server, c.member.device(2));

            assertThat(canWrite(c, channel, rejoined))
                    .as("the channel mute holds after rejoining")
                    .isFalse();
            assertThat(canWrite(c, other, rejoined)).isTrue();
            assertThat(count(database, "member_overrides")).isEqualTo(overrides);

            // A community-wide mute, too.
            assertThat(c.server
                            .post("/api/v1/members/" + c.member.id() + "/mute", "", c.moderatorToken)
                            .status())
                    .isEqualTo(200);
            assertThat(c.server
                            .delete("/api/v1/members/" + c.member.id(), rejoined)
                            .status())
                    .isEqualTo(204);
            String again = c.member.join(c.server, c.member.device(3));
            assertThat(canWrite(c, other, again)).isFalse();
        }
    }

    @DatabaseTest
    void a_banned_member_cannot_lift_its_ban_by_leaving_and_rejoining(DatabaseUrl url, Database database)
            throws Exception {
        try (TestCommunity c = TestCommunity.start(url, clock)) {
            assertThat(c.server
                            .post(
                                    "/api/v1/members/" + c.member.id() + "/ban",
                                    TestServer.object().put("reason", "spam"),
                                    c.moderatorToken)
                            .status())
                    .isEqualTo(200);
            // A leave authenticated just before the ban committed reaches the service after it.
            MemberStore members = new MemberStore(database);
            ModerationService moderation = new ModerationService(
                    database,
                    members,
                    new Permissions(database, members, clock),
                    new TokenStore(database, clock, new SecureRandom()),
                    new AuditLog(database, clock),
                    clock,
                    (account, reason) -> {});
            AccountId member = AccountId.parse(c.member.id());

            assertThatThrownBy(() -> moderation.leave(member))
                    .isInstanceOf(ApiException.class)
                    .extracting(e -> ((ApiException) e).code())
                    .isEqualTo(ErrorCode.FORBIDDEN);
            assertThat(c.server
                            .delete("/api/v1/members/" + c.member.id(), c.memberToken)
                            .code())
                    .isEqualTo("token_invalid");
            boolean deleted = database.inTransaction(h -> members.delete(h, member));
            assertThat(deleted).as("the store keeps a banned row").isFalse();
            TestServer.Reply rejoin =
                    c.server.post("/api/v1/members/join", c.member.joinRequest(c.server, c.member.device(2)), null);

            assertThat(rejoin.status()).as(rejoin.toString()).isGreaterThanOrEqualTo(400);
            assertThat(memberRow(c, c.member.id()).get("status").asText()).isEqualTo("banned");
        }
    }
}
