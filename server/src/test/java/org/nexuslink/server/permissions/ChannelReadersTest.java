// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.permissions;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.crypto.identity.AccountIdentity;
import org.nexuslink.server.accounts.MemberStore;
import org.nexuslink.server.accounts.Role;
import org.nexuslink.server.audit.AuditLog;
import org.nexuslink.server.channels.Channel;
import org.nexuslink.server.channels.ChannelService;
import org.nexuslink.server.channels.ChannelStore;
import org.nexuslink.server.storage.Database;
import org.nexuslink.server.testing.DatabaseTest;
import org.nexuslink.server.testing.MutableClock;

/**
 * {@link Permissions#readers} (the bulk decision channel fan-out uses) agrees with
 * {@link Permissions#decide} for every account: roles, bans, private lists, read-denying
 * overrides community-wide and per channel, expired overrides, non-members, unknown channels.
 */
class ChannelReadersTest {
    private final MutableClock clock = new MutableClock();

    @DatabaseTest
    void the_bulk_decision_matches_one_decision_per_account(Database database) {
        MemberStore members = new MemberStore(database);
        Permissions permissions = new Permissions(database, members, clock);
        ChannelService channels = new ChannelService(
                database, new ChannelStore(database), members, permissions, new AuditLog(database, clock), clock);
        List<AccountId> accounts = new ArrayList<>();
        AccountId admin = join(database, Role.ADMIN, accounts);
        AccountId moderator = join(database, Role.MODERATOR, accounts);
        AccountId member = join(database, Role.MEMBER, accounts);
        AccountId banned = join(database, Role.MEMBER, accounts);
        AccountId deniedEverywhere = join(database, Role.MEMBER, accounts);
        AccountId deniedInPublic = join(database, Role.MEMBER, accounts);
        AccountId expiredDenial = join(database, Role.MEMBER, accounts);
        AccountId listed = join(database, Role.MEMBER, accounts);
        AccountId stranger = AccountIdentity.generate().accountId();
        accounts.add(stranger);
        ChannelId text = create(channels, ChannelType.TEXT, false);
        ChannelId announcement = create(channels, ChannelType.ANNOUNCEMENT, false);
        ChannelId secret = create(channels, ChannelType.TEXT, true);
        sql(database, "UPDATE members SET is_banned = TRUE WHERE account_id = ?", banned.toString());
        override(database, deniedEverywhere, null, null);
        override(database, deniedInPublic, text.value(), null);
        override(database, expiredDenial, null, clock.instant().minusSeconds(1).toEpochMilli());
        sql(
                database,
                "INSERT INTO channel_members (channel_id, account_id, added_at) VALUES (?, ?, 0)",
                database.dialect() == org.nexuslink.server.storage.Dialect.POSTGRES
                        ? secret.value()
                        : secret.value().toString(),
                listed.toString());

        for (ChannelId channel : List.of(text, announcement, secret)) {
            Set<AccountId> expected = new HashSet<>();
            for (AccountId account : accounts) {
                if (permissions.decide(account, channel, ChannelAction.READ).allowed()) {
                    expected.add(account);
                }
            }
            assertThat(permissions.readers(channel, accounts))
                    .as("channel %s", channel)
                    .isEqualTo(expected);
        }
        // And the cases above really differ, so agreement is not vacuous.
        assertThat(permissions.readers(text, accounts))
                .contains(admin, moderator, member, expiredDenial, listed)
                .doesNotContain(banned, deniedEverywhere, deniedInPublic, stranger);
        assertThat(permissions.readers(announcement, accounts)).contains(deniedInPublic);
        assertThat(permissions.readers(secret, accounts)).containsExactlyInAnyOrder(admin, listed);
        assertThat(permissions.readers(new ChannelId(UUID.randomUUID()), accounts))
                .isEmpty();
        assertThat(permissions.readers(text, List.of())).isEmpty();
    }

    private AccountId join(Database database, Role role, List<AccountId> accounts) {
        AccountId id = AccountIdentity.generate().accountId();
        database.inTransaction(h -> h.createUpdate("INSERT INTO members (account_id, identity_key, role, is_banned, "
                        + "joined_at) VALUES (:a, :k, :r, FALSE, :t)")
                .bind("a", id.toString())
                .bind("k", id.publicKeyBytes())
                .bind("r", role.wireName())
                .bind("t", clock.instant())
                .execute());
        accounts.add(id);
        return id;
    }

    private static ChannelId create(ChannelService channels, ChannelType type, boolean isPrivate) {
        return channels.create(
                        Actor.CONSOLE,
                        Channel.draft(
                                type.wireName() + (isPrivate ? "-private" : ""),
                                type,
                                "",
                                isPrivate,
                                Channel.defaultPermissions(type),
                                List.of()))
                .channel()
                .id();
    }

    /** A read-denying override, community-wide when {@code channel} is null. */
    private void override(Database database, AccountId account, UUID channel, Long expiresAt) {
        database.inTransaction(h -> h.createUpdate("INSERT INTO member_overrides (account_id, channel_id, can_read, "
                        + "created_at, expires_at) VALUES (:a, :c, FALSE, :t, :e)")
                .bind("a", account.toString())
                .bindByType("c", channel, UUID.class)
                .bind("t", clock.instant())
                .bindByType("e", expiresAt, Long.class)
                .execute());
    }

    private static void sql(Database database, String sql, Object... args) {
        database.inTransaction(h -> h.execute(sql, args));
    }
}
