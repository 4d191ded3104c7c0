// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.nexuslink.server.storage.Database;
import org.nexuslink.server.storage.DatabaseUrl;
import org.nexuslink.server.testing.DatabaseTest;
import org.nexuslink.server.testing.MutableClock;
import org.nexuslink.server.testing.TestCommunity;
import org.nexuslink.server.testing.TestServer;

/** Every moderation, role and channel action leaves one audit entry, read back filtered and paged. */
class AuditApiTest {
    private final MutableClock clock = new MutableClock();

    private static List<String> actions(TestServer.Reply page) {
        List<String> actions = new ArrayList<>();
        page.body().get("entries").forEach(e -> actions.add(e.get("action").asText()));
        return actions;
    }

    @DatabaseTest
    void each_action_writes_who_what_whom_where_and_when(DatabaseUrl url) {
        try (TestCommunity c = TestCommunity.start(url, clock)) {
            clock.advance(Duration.ofMinutes(1));
            String channel = c.server
                    .post("/api/v1/channels", TestServer.object().put("name", "general"), c.adminToken)
                    .body()
                    .get("id")
                    .asText();
            c.server.post(
                    "/api/v1/members/" + c.member.id() + "/mute",
                    TestServer.object()
                            .put("channel_id", channel)
                            .put("duration_seconds", 60)
                            .put("reason", "flood"),
                    c.moderatorToken);
            c.server.delete("/api/v1/members/" + c.member.id() + "/mute?channel_id=" + channel, c.moderatorToken);
            c.server.put("/api/v1/channels/" + channel, TestServer.object().put("archived", true), c.moderatorToken);
            c.server.post(
                    "/api/v1/members/" + c.member.id() + "/ban",
                    TestServer.object().put("reason", "spam"),
                    c.adminToken);

            TestServer.Reply page = c.server.get("/api/v1/audit", c.moderatorToken);

            assertThat(page.status()).isEqualTo(200);
            assertThat(actions(page))
                    .containsExactly("ban", "channel_archive", "unmute", "mute", "channel_create", "role_change");
            JsonNode mute = page.body().get("entries").get(3);
            assertThat(mute.get("actor").asText()).isEqualTo(c.moderator.id());
            assertThat(mute.get("target_account").asText()).isEqualTo(c.member.id());
            assertThat(mute.get("target_channel").asText()).isEqualTo(channel);
            assertThat(mute.at("/details/duration_s").asLong()).isEqualTo(60);
            assertThat(mute.at("/details/reason").asText()).isEqualTo("flood");
            assertThat(mute.get("created_at").asText())
                    .isEqualTo(clock.instant().toString());
            JsonNode roleChange = page.body().get("entries").get(5);
            assertThat(roleChange.at("/details/from").asText()).isEqualTo("member");
            assertThat(roleChange.at("/details/to").asText()).isEqualTo("moderator");
            assertThat(page.body().has("next")).isFalse();
        }
    }

    @DatabaseTest
    void filters_narrow_and_pages_continue_where_the_last_ended(DatabaseUrl url) {
        try (TestCommunity c = TestCommunity.start(url, clock)) {
            String member = c.member.id();
            for (int i = 0; i < 3; i++) {
                c.server.post("/api/v1/members/" + member + "/mute", "", c.moderatorToken);
                c.server.delete("/api/v1/members/" + member + "/mute", c.adminToken);
            }
            clock.advance(Duration.ofHours(1));
            String since = clock.instant().toString();
            c.server.post("/api/v1/members/" + member + "/mute", "", c.adminToken);

            assertThat(actions(c.server.get("/api/v1/audit?action=mute", c.adminToken)))
                    .hasSize(4)
                    .containsOnly("mute");
            assertThat(actions(c.server.get("/api/v1/audit?actor=" + c.moderator.id(), c.adminToken)))
                    .hasSize(3);
            assertThat(actions(c.server.get("/api/v1/audit?target=" + member + "&action=unmute", c.adminToken)))
                    .hasSize(3);
            assertThat(actions(c.server.get("/api/v1/audit?since=" + since, c.adminToken)))
                    .containsExactly("mute");
            TestServer.Reply exact = c.server.get("/api/v1/audit?target=" + member + "&limit=7", c.adminToken);
            assertThat(actions(exact)).hasSize(7);
            assertThat(exact.body().has("next")).isFalse();
            TestServer.Reply first = c.server.get("/api/v1/audit?target=" + member + "&limit=4", c.adminToken);
            TestServer.Reply second = c.server.get(
                    "/api/v1/audit?target=" + member + "&limit=4&before="
                            + first.body().get("next").asText(),
                    c.adminToken);
            assertThat(actions(first)).hasSize(4);
            assertThat(actions(second)).hasSize(3);
            assertThat(second.body().has("next")).isFalse();
            assertThat(c.server.get("/api/v1/audit?limit=0", c.adminToken).code())
                    .isEqualTo("invalid_field");
            assertThat(c.server
                            .get("/api/v1/audit?since=yesterday", c.adminToken)
                            .code())
                    .isEqualTo("invalid_field");
            assertThat(c.server.get("/api/v1/audit?actor=bob", c.adminToken).code())
                    .isEqualTo("invalid_field");
        }
    }

    @DatabaseTest
    void members_may_not_read_it_and_nobody_may_change_it(DatabaseUrl url, Database database) {
        try (TestCommunity c = TestCommunity.start(url, clock)) {
            long entries = database.jdbi()
                    .withHandle(h -> h.createQuery("SELECT COUNT(*) FROM audit_log")
                            .mapTo(Long.class)
                            .one());

            assertThat(c.server.get("/api/v1/audit", c.memberToken).code()).isEqualTo("forbidden");
            assertThat(c.server.get("/api/v1/audit", null).code()).isEqualTo("token_invalid");
            assertThat(c.server.delete("/api/v1/audit", c.adminToken).code()).isEqualTo("method_not_allowed");
            assertThat(c.server.post("/api/v1/audit", "{}", c.adminToken).code())
                    .isEqualTo("method_not_allowed");
            assertThat(c.server.put("/api/v1/audit", "{}", c.adminToken).code()).isEqualTo("method_not_allowed");
            long after = database.jdbi()
                    .withHandle(h -> h.createQuery("SELECT COUNT(*) FROM audit_log")
                            .mapTo(Long.class)
                            .one());
            assertThat(after).isEqualTo(entries).isEqualTo(1);
        }
    }
}
