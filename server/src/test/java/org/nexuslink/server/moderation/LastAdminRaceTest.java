// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.moderation;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.crypto.identity.AccountIdentity;
import org.nexuslink.protocol.ErrorCode;
import org.nexuslink.server.accounts.MemberStore;
import org.nexuslink.server.accounts.Role;
import org.nexuslink.server.audit.AuditLog;
import org.nexuslink.server.auth.TokenStore;
import org.nexuslink.server.http.ApiException;
import org.nexuslink.server.permissions.Actor;
import org.nexuslink.server.permissions.Permissions;
import org.nexuslink.server.storage.Database;
import org.nexuslink.server.testing.DatabaseTest;
import org.nexuslink.server.testing.MutableClock;

/** Two admins demoting each other at the same moment never leave the community without one. */
class LastAdminRaceTest {
    private final MutableClock clock = new MutableClock();

    @DatabaseTest
    void concurrent_demotions_leave_exactly_one_admin(Database database) throws Exception {
        MemberStore members = new MemberStore(database);
        ModerationService moderation = new ModerationService(
                database,
                members,
                new Permissions(database, members, clock),
                new TokenStore(database, clock, new SecureRandom()),
                new AuditLog(database, clock),
                clock,
                (account, reason) -> {});
        try (ExecutorService threads = Executors.newFixedThreadPool(2)) {
            for (int round = 0; round < 10; round++) {
                AccountId a = AccountIdentity.generate().accountId();
                AccountId b = AccountIdentity.generate().accountId();
                database.inTransaction(h -> {
                    h.execute("UPDATE members SET role = 'member'");
                    for (AccountId admin : List.of(a, b)) {
                        h.execute(
                                "INSERT INTO members (account_id, identity_key, role, is_banned, joined_at) "
                                        + "VALUES (?, ?, 'admin', FALSE, 0)",
                                admin.toString(),
                                admin.publicKeyBytes());
                    }
                    return null;
                });
                CountDownLatch start = new CountDownLatch(1);
                List<Future<String>> outcomes = new ArrayList<>();
                for (AccountId[] pair : List.of(new AccountId[] {a, b}, new AccountId[] {b, a})) {
                    outcomes.add(threads.submit(() -> {
                        start.await();
                        try {
                            moderation.changeRole(Actor.of(pair[0]), pair[1], Role.MEMBER);
                            return "demoted";
                        } catch (ApiException e) {
                            return e.code() == ErrorCode.LAST_ADMIN || e.code() == ErrorCode.FORBIDDEN
                                    ? "refused"
                                    : e.code().code();
                        }
                    }));
                }
                start.countDown();
                List<String> results = new ArrayList<>();
                for (Future<String> outcome : outcomes) {
                    results.add(outcome.get(30, TimeUnit.SECONDS));
                }
                long admins = database.jdbi()
                        .withHandle(h -> h.createQuery("SELECT COUNT(*) FROM members WHERE role = 'admin'")
                                .mapTo(Long.class)
                                .one());

                assertThat(results).containsExactlyInAnyOrder("demoted", "refused");
                assertThat(admins).isEqualTo(1);
            }
        }
    }
}
