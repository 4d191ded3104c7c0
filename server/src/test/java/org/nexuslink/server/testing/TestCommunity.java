// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.testing;

import java.time.Clock;
import java.util.Map;
import org.nexuslink.server.storage.DatabaseUrl;

/**
 * A running server with one joined account per role: the configured admin, a member the admin
 * promoted to moderator, and a plain member, each with a bearer token for device 1.
 */
public final class TestCommunity implements AutoCloseable {
    public final TestServer server;
    public final TestAccount admin;
    public final TestAccount moderator;
    public final TestAccount member;
    public final TestAccount.CertifiedDevice adminDevice;
    public final TestAccount.CertifiedDevice memberDevice;
    public final String adminToken;
    public final String moderatorToken;
    public final String memberToken;

    private TestCommunity(TestServer server, TestAccount admin, Clock clock) {
        this.server = server;
        this.admin = admin;
        this.moderator = new TestAccount(clock);
        this.member = new TestAccount(clock);
        this.adminDevice = admin.device(1);
        this.adminToken = admin.join(server, adminDevice);
        this.moderatorToken = moderator.join(server, moderator.device(1));
        this.memberDevice = member.device(1);
        this.memberToken = member.join(server, memberDevice);
        TestServer.Reply promoted = server.put(
                "/api/v1/members/" + moderator.id() + "/role",
                TestServer.object().put("role", "moderator"),
                adminToken);
        if (promoted.status() != 200) {
            throw new AssertionError("promotion refused: " + promoted);
        }
    }

    /** Starts a server on {@code url} whose configured admin joins first, then the others. */
    public static TestCommunity start(DatabaseUrl url, Clock clock) {
        return start(url, clock, Map.of());
    }

    /** Starts a server on {@code url} with extra {@code NEXUSLINK_*} settings, then joins as above. */
    public static TestCommunity start(DatabaseUrl url, Clock clock, Map<String, String> settings) {
        TestAccount admin = new TestAccount(clock);
        Map<String, String> env = new java.util.HashMap<>(settings);
        env.put("NEXUSLINK_COMMUNITY_ADMIN_UUID", admin.id());
        TestServer server = TestServer.start(url, clock, env);
        try {
            return new TestCommunity(server, admin, clock);
        } catch (RuntimeException | AssertionError e) {
            server.close();
            throw e;
        }
    }

    /** A new account that joins now; returns its token. */
    public String join(TestAccount account) {
        return account.join(server, account.device(1));
    }

    @Override
    public void close() {
        server.close();
    }
}
