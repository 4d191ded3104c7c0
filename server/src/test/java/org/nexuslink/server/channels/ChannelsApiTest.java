// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.channels;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.List;
import org.nexuslink.server.storage.Database;
import org.nexuslink.server.storage.DatabaseUrl;
import org.nexuslink.server.testing.DatabaseTest;
import org.nexuslink.server.testing.MutableClock;
import org.nexuslink.server.testing.TestAccount;
import org.nexuslink.server.testing.TestCommunity;
import org.nexuslink.server.testing.TestServer;

/** The channel endpoints over real HTTP, on SQLite and PostgreSQL. */
class ChannelsApiTest {
    private final MutableClock clock = new MutableClock();

    private static long count(Database database, String table) {
        return database.jdbi()
                .withHandle(h -> h.createQuery("SELECT COUNT(*) FROM " + table)
                        .mapTo(Long.class)
                        .one());
    }

    private static ObjectNode channel(String name, String type) {
        return TestServer.object().put("name", name).put("type", type);
    }

    private String create(TestCommunity c, ObjectNode body) {
        clock.advance(Duration.ofSeconds(1));
        TestServer.Reply reply = c.server.post("/api/v1/channels", body, c.adminToken);
        assertThat(reply.status()).as(reply.toString()).isEqualTo(201);
        return reply.body().get("id").asText();
    }

    private static List<String> names(TestServer.Reply list) {
        return list.body().get("channels").findValuesAsText("name");
    }

    @DatabaseTest
    void an_admin_creates_a_channel_with_the_defaults_of_its_type(DatabaseUrl url) {
        try (TestCommunity c = TestCommunity.start(url, clock)) {
            TestServer.Reply created = c.server.post(
                    "/api/v1/channels",
                    channel("news", "announcement").put("description", "what is new"),
                    c.adminToken);

            assertThat(created.status()).isEqualTo(201);
            JsonNode body = created.body();
            assertThat(body.get("type").asText()).isEqualTo("announcement");
            assertThat(body.get("private").asBoolean()).isFalse();
            assertThat(body.get("archived").asBoolean()).isFalse();
            assertThat(body.get("created_by").asText()).isEqualTo(c.admin.id());
            assertThat(body.at("/permissions/member/can_write").asBoolean()).isFalse();
            assertThat(body.at("/permissions/moderator/can_write").asBoolean()).isTrue();
            TestServer.Reply asMember =
                    c.server.get("/api/v1/channels/" + body.get("id").asText(), c.memberToken);
            assertThat(asMember.status()).isEqualTo(200);
            assertThat(asMember.body().at("/access/can_read").asBoolean()).isTrue();
            assertThat(asMember.body().at("/access/can_write").asBoolean()).isFalse();
            assertThat(asMember.body().at("/access/write_refusal").asText()).startsWith("role:");
        }
    }

    @DatabaseTest
    void only_admins_create_channels_and_a_refusal_stores_nothing(DatabaseUrl url, Database database) {
        try (TestCommunity c = TestCommunity.start(url, clock)) {
            TestServer.Reply byModerator = c.server.post("/api/v1/channels", channel("x", "text"), c.moderatorToken);
            TestServer.Reply byMember = c.server.post("/api/v1/channels", channel("x", "text"), c.memberToken);
            TestServer.Reply anonymous = c.server.post("/api/v1/channels", channel("x", "text"), null);
            TestServer.Reply badType = c.server.post("/api/v1/channels", channel("x", "video"), c.adminToken);
            TestServer.Reply badName = c.server.post("/api/v1/channels", channel(" ", "text"), c.adminToken);
            TestServer.Reply restrictsAdmins = c.server.post(
                    "/api/v1/channels",
                    channel("x", "text")
                            .set(
                                    "permissions",
                                    TestServer.object()
                                            .set(
                                                    "admin",
                                                    TestServer.object()
                                                            .put("can_read", true)
                                                            .put("can_write", false)
                                                            .put("can_manage", true))),
                    c.adminToken);

            assertThat(byModerator.status()).isEqualTo(403);
            assertThat(byModerator.code()).isEqualTo("forbidden");
            assertThat(byModerator.body().get("message").asText()).startsWith("role:");
            assertThat(byMember.code()).isEqualTo("forbidden");
            assertThat(anonymous.status()).isEqualTo(401);
            assertThat(anonymous.code()).isEqualTo("token_invalid");
            assertThat(badType.code()).isEqualTo("invalid_field");
            assertThat(badName.code()).isEqualTo("invalid_field");
            assertThat(restrictsAdmins.code()).isEqualTo("invalid_field");
            assertThat(count(database, "channels")).isZero();
            assertThat(count(database, "channel_permissions")).isZero();
        }
    }

    @DatabaseTest
    void the_list_holds_only_channels_the_caller_may_read(DatabaseUrl url) {
        try (TestCommunity c = TestCommunity.start(url, clock)) {
            create(c, channel("general", "text"));
            String secret = create(c, channel("staff", "text").put("private", true));
            create(c, channel("lounge", "voice"));

            assertThat(names(c.server.get("/api/v1/channels", c.adminToken)))
                    .containsExactly("general", "staff", "lounge");
            assertThat(names(c.server.get("/api/v1/channels", c.memberToken))).containsExactly("general", "lounge");
            assertThat(c.server.get("/api/v1/channels/" + secret, c.memberToken).code())
                    .isEqualTo("forbidden");

            assertThat(c.server
                            .put("/api/v1/channels/" + secret + "/members/" + c.member.id(), "", c.adminToken)
                            .status())
                    .isEqualTo(204);
            assertThat(names(c.server.get("/api/v1/channels", c.memberToken)))
                    .containsExactly("general", "staff", "lounge");
            assertThat(c.server
                            .get("/api/v1/channels/" + secret + "/members", c.memberToken)
                            .body()
                            .get("members")
                            .findValuesAsText("account_id"))
                    .containsExactlyInAnyOrder(c.admin.id(), c.member.id());
            assertThat(c.server.get("/api/v1/channels", null).code()).isEqualTo("token_invalid");
        }
    }

    @DatabaseTest
    void private_member_lists_are_managed_by_those_who_may_manage(DatabaseUrl url, Database database) {
        try (TestCommunity c = TestCommunity.start(url, clock)) {
            String secret = create(c, channel("staff", "text").put("private", true));
            String open = create(c, channel("general", "text"));
            String path = "/api/v1/channels/" + secret + "/members/" + c.member.id();
            long before = count(database, "channel_members");

            assertThat(c.server.put(path, "", c.memberToken).code()).isEqualTo("forbidden");
            assertThat(c.server
                            .put(path, "", c.moderatorToken)
                            .body()
                            .get("message")
                            .asText())
                    .startsWith("not_in_channel:");
            assertThat(c.server
                            .put("/api/v1/channels/" + open + "/members/" + c.member.id(), "", c.adminToken)
                            .code())
                    .isEqualTo("conflict");
            assertThat(c.server
                            .put("/api/v1/channels/" + secret + "/members/nxl:" + "a".repeat(56), "", c.adminToken)
                            .code())
                    .isIn("not_found", "invalid_field");
            assertThat(count(database, "channel_members")).isEqualTo(before);

            assertThat(c.server
                            .put("/api/v1/channels/" + secret + "/members/" + c.moderator.id(), "", c.adminToken)
                            .status())
                    .isEqualTo(204);
            assertThat(c.server.put(path, "", c.moderatorToken).status()).isEqualTo(204);
            assertThat(c.server.delete(path, c.memberToken).code()).isEqualTo("forbidden");
            assertThat(c.server.delete(path, c.moderatorToken).status()).isEqualTo(204);
            assertThat(c.server.delete(path, c.moderatorToken).code()).isEqualTo("not_found");
            assertThat(c.server.get("/api/v1/channels/" + secret, c.memberToken).code())
                    .isEqualTo("forbidden");
        }
    }

    @DatabaseTest
    void managers_update_and_archive_and_members_may_not(DatabaseUrl url) {
        try (TestCommunity c = TestCommunity.start(url, clock)) {
            String id = create(c, channel("general", "text"));
            String path = "/api/v1/channels/" + id;

            TestServer.Reply refused = c.server.put(path, TestServer.object().put("name", "mine"), c.memberToken);
            TestServer.Reply renamed = c.server.put(
                    path, TestServer.object().put("name", "lobby").put("description", "say hi"), c.moderatorToken);
            TestServer.Reply gated = c.server.put(
                    path,
                    TestServer.object()
                            .set(
                                    "speaking_conditions",
                                    TestServer.array()
                                            .add(TestServer.object()
                                                    .put("type", "min_membership_age")
                                                    .put("seconds", 3600))),
                    c.adminToken);
            String gatedRefusal = c.server
                    .get(path, c.memberToken)
                    .body()
                    .at("/access/write_refusal")
                    .asText();
            TestServer.Reply archived = c.server.put(path, TestServer.object().put("archived", true), c.moderatorToken);

            assertThat(refused.code()).isEqualTo("forbidden");
            assertThat(renamed.body().get("name").asText()).isEqualTo("lobby");
            assertThat(renamed.body().get("description").asText()).isEqualTo("say hi");
            assertThat(gated.body().at("/speaking_conditions/0/seconds").asLong())
                    .isEqualTo(3600);
            assertThat(gatedRefusal).startsWith("condition:");
            assertThat(archived.body().get("archived").asBoolean()).isTrue();
            assertThat(archived.body().at("/access/write_refusal").asText()).startsWith("archived:");
            assertThat(c.server.get(path, c.memberToken).body().get("name").asText())
                    .isEqualTo("lobby");
            clock.advance(Duration.ofHours(2));
            TestServer.Reply unarchived = c.server.put(path, TestServer.object().put("archived", false), c.adminToken);
            assertThat(unarchived.body().at("/access/can_write").asBoolean()).isTrue();
            assertThat(c.server
                            .put(path, TestServer.object().put("colour", "red"), c.adminToken)
                            .code())
                    .isEqualTo("invalid_field");
        }
    }

    @DatabaseTest
    void only_admins_delete_and_a_deleted_channel_is_gone(DatabaseUrl url, Database database) {
        try (TestCommunity c = TestCommunity.start(url, clock)) {
            String id = create(c, channel("old", "voice"));
            String path = "/api/v1/channels/" + id;

            assertThat(c.server.delete(path, c.moderatorToken).code()).isEqualTo("forbidden");
            assertThat(c.server.delete(path, null).code()).isEqualTo("token_invalid");
            assertThat(count(database, "channels")).isEqualTo(1);
            assertThat(c.server.delete(path, c.adminToken).status()).isEqualTo(204);
            assertThat(c.server.get(path, c.adminToken).code()).isEqualTo("not_found");
            assertThat(c.server.delete(path, c.adminToken).code()).isEqualTo("not_found");
            assertThat(c.server.get("/api/v1/channels/not-a-uuid", c.adminToken).code())
                    .isEqualTo("invalid_field");
            assertThat(count(database, "channel_permissions")).isZero();
        }
    }

    @DatabaseTest
    void a_stranger_account_is_not_a_member(DatabaseUrl url) {
        try (TestCommunity c = TestCommunity.start(url, clock)) {
            TestAccount later = new TestAccount(clock);
            String token = c.join(later);
            String id = create(c, channel("general", "text"));

            assertThat(c.server.get("/api/v1/channels/" + id, token).status()).isEqualTo(200);
            assertThat(c.server.delete("/api/v1/members/" + later.id(), token).status())
                    .isEqualTo(204);
            assertThat(c.server.get("/api/v1/channels/" + id, token).code()).isEqualTo("token_invalid");
        }
    }
}
