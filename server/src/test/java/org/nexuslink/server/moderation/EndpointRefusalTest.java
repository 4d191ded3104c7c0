// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.moderation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nexuslink.server.http.Router;
import org.nexuslink.server.storage.Database;
import org.nexuslink.server.storage.DatabaseUrl;
import org.nexuslink.server.testing.DatabaseTest;
import org.nexuslink.server.testing.MutableClock;
import org.nexuslink.server.testing.TestCommunity;
import org.nexuslink.server.testing.TestServer;

/**
 * Every authenticated endpoint refuses a request without a token (401 {@code token_invalid}), and
 * every channel, moderation and audit endpoint a plain member may not use refuses it (403
 * {@code forbidden} with a reason); neither changes anything.
 */
class EndpointRefusalTest {
    /** Endpoints anyone may call: auth, join, who the server is, operations, and the WebSocket upgrade (tested in GatewayTest). */
    private static final Set<String> PUBLIC = Set.of(
            "POST /api/v1/auth/challenge",
            "POST /api/v1/auth/verify",
            "POST /api/v1/members/join",
            "GET /health",
            "GET /metrics",
            "GET /api/v1/server",
            // The key-transparency log is public so that anyone can audit it (docs/key-transparency.md).
            "GET /api/v1/kt/head",
            "GET /api/v1/kt/proof/{account_id}",
            "GET /api/v1/kt/consistency",
            "GET /api/v1/kt/leaves");

    private final MutableClock clock = new MutableClock();

    private static TestServer.Reply call(TestServer server, String method, String path, String token) {
        return switch (method) {
            case "GET" -> server.get(path, token);
            case "POST" -> server.post(path, "{}", token);
            case "PUT" -> server.put(path, "{\"role\": \"admin\", \"name\": \"x\"}", token);
            case "DELETE" -> server.delete(path, token);
            default -> throw new AssertionError("unexpected method " + method);
        };
    }

    private static Map<String, Long> counts(Database database) {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String table : List.of(
                "members",
                "channels",
                "channel_members",
                "channel_permissions",
                "member_overrides",
                "audit_log",
                "auth_tokens")) {
            counts.put(
                    table,
                    database.jdbi()
                            .withHandle(h -> h.createQuery("SELECT COUNT(*) FROM " + table)
                                    .mapTo(Long.class)
                                    .one()));
        }
        return counts;
    }

    @DatabaseTest
    void every_authenticated_endpoint_refuses_a_request_without_a_token(DatabaseUrl url, Database database) {
        try (TestCommunity c = TestCommunity.start(url, clock)) {
            String channel = c.server
                    .post(
                            "/api/v1/channels",
                            TestServer.object().put("name", "staff").put("private", true),
                            c.adminToken)
                    .body()
                    .get("id")
                    .asText();
            Map<String, Long> before = counts(database);
            List<String> answers = new ArrayList<>();
            List<String> expected = new ArrayList<>();

            for (Router.Endpoint route : c.server.server().routes()) {
                String key = route.method() + " " + route.pattern();
                if (PUBLIC.contains(key)) {
                    continue;
                }
                String path = route.pattern()
                        .replace("{id}", channel)
                        .replace("{account_id}", c.member.id())
                        .replace("{device_id}", "1")
                        .replace("{mid}", "1");
                TestServer.Reply reply = call(c.server, route.method(), path, null);
                answers.add(key + " " + reply.status() + " " + reply.code());
                expected.add(key + " 401 token_invalid");
            }

            assertThat(answers).containsExactlyElementsOf(expected);
            assertThat(answers).hasSizeGreaterThanOrEqualTo(15);
            assertThat(counts(database)).isEqualTo(before);
        }
    }

    @DatabaseTest
    void a_plain_member_is_refused_every_channel_moderation_and_audit_power(DatabaseUrl url, Database database) {
        try (TestCommunity c = TestCommunity.start(url, clock)) {
            String secret = "/api/v1/channels/"
                    + c.server
                            .post(
                                    "/api/v1/channels",
                                    TestServer.object().put("name", "staff").put("private", true),
                                    c.adminToken)
                            .body()
                            .get("id")
                            .asText();
            String open = "/api/v1/channels/"
                    + c.server
                            .post("/api/v1/channels", TestServer.object().put("name", "general"), c.adminToken)
                            .body()
                            .get("id")
                            .asText();
            String other = "/api/v1/members/" + c.moderator.id();
            Map<String, Long> before = counts(database);

            List<TestServer.Reply> replies = List.of(
                    c.server.post("/api/v1/channels", TestServer.object().put("name", "mine"), c.memberToken),
                    c.server.get(secret, c.memberToken),
                    c.server.put(open, TestServer.object().put("name", "mine"), c.memberToken),
                    c.server.delete(open, c.memberToken),
                    c.server.get(secret + "/members", c.memberToken),
                    c.server.put(secret + "/members/" + c.member.id(), "", c.memberToken),
                    c.server.delete(secret + "/members/" + c.admin.id(), c.memberToken),
                    c.server.put(other + "/role", TestServer.object().put("role", "member"), c.memberToken),
                    c.server.delete(other, c.memberToken),
                    c.server.post(other + "/ban", "", c.memberToken),
                    c.server.delete(other + "/ban", c.memberToken),
                    c.server.post(other + "/mute", "", c.memberToken),
                    c.server.delete(other + "/mute", c.memberToken),
                    c.server.get("/api/v1/audit", c.memberToken));

            assertThat(replies).allSatisfy(reply -> {
                assertThat(reply.status()).as(reply.toString()).isEqualTo(403);
                assertThat(reply.code()).isEqualTo("forbidden");
                assertThat(reply.body().get("message").asText()).matches("[a-z_]+: .+");
            });
            assertThat(counts(database)).isEqualTo(before);
        }
    }
}
