// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.permissions;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * The whole permission matrix of docs/permissions.md against real rows on SQLite and PostgreSQL:
 * every role x channel type x action, then private channels, archive, ban, mutes (per channel,
 * community-wide, timed), overrides that grant, speaking conditions, and the community actions.
 */
class PermissionMatrixTest {
    private final MutableClock clock = new MutableClock();

    /** One community with an account per role, set up through the real stores. */
    private final class Community {
        final Database database;
        final Permissions permissions;
        final ChannelService channels;
        final AccountId admin = AccountIdentity.generate().accountId();
        final AccountId moderator = AccountIdentity.generate().accountId();
        final AccountId member = AccountIdentity.generate().accountId();

        Community(Database database) {
            this.database = database;
            MemberStore members = new MemberStore(database);
            this.permissions = new Permissions(database, members, clock);
            this.channels = new ChannelService(
                    database, new ChannelStore(database), members, permissions, new AuditLog(database, clock), clock);
            for (AccountId account : List.of(admin, moderator, member)) {
                insert(account, roleOf(account), clock.instant());
            }
        }

        Role roleOf(AccountId account) {
            return account.equals(admin) ? Role.ADMIN : account.equals(moderator) ? Role.MODERATOR : Role.MEMBER;
        }

        AccountId join(Role role, Instant at) {
            AccountId id = AccountIdentity.generate().accountId();
            insert(id, role, at);
            return id;
        }

        void insert(AccountId account, Role role, Instant joinedAt) {
            database.inTransaction(h -> h.createUpdate("INSERT INTO members (account_id, identity_key, role, "
                            + "is_banned, joined_at) VALUES (:a, :k, :r, FALSE, :t)")
                    .bind("a", account.toString())
                    .bind("k", account.publicKeyBytes())
                    .bind("r", role.wireName())
                    .bind("t", joinedAt)
                    .execute());
        }

        ChannelId channel(ChannelType type, boolean isPrivate, List<SpeakingCondition> conditions) {
            Channel draft = Channel.draft(
                    type.wireName() + "-channel", type, "", isPrivate, Channel.defaultPermissions(type), conditions);
            return channels.create(Actor.CONSOLE, draft).channel().id();
        }

        ChannelId channel(ChannelType type) {
            return channel(type, false, List.of());
        }

        Decision decide(AccountId account, ChannelId channel, ChannelAction action) {
            return permissions.decide(account, channel, action);
        }

        void sql(String sql, Object... args) {
            database.inTransaction(h -> h.execute(sql, args));
        }
    }

    /** docs/permissions.md's default matrix, written out: role, type, read, write, manage. */
    private static final Object[][] DEFAULTS = {
        {Role.ADMIN, ChannelType.TEXT, true, true, true},
        {Role.ADMIN, ChannelType.ANNOUNCEMENT, true, true, true},
        {Role.ADMIN, ChannelType.VOICE, true, true, true},
        {Role.MODERATOR, ChannelType.TEXT, true, true, true},
        {Role.MODERATOR, ChannelType.ANNOUNCEMENT, true, true, true},
        {Role.MODERATOR, ChannelType.VOICE, true, true, true},
        {Role.MEMBER, ChannelType.TEXT, true, true, false},
        {Role.MEMBER, ChannelType.ANNOUNCEMENT, true, false, false},
        {Role.MEMBER, ChannelType.VOICE, true, true, false},
    };

    private static String cell(Decision d) {
        return d.allowed() ? "allow" : "deny:" + ((Decision.Denied) d).reason().wireName();
    }

    @DatabaseTest
    void every_role_type_and_action_follows_the_default_matrix(Database database) {
        Community c = new Community(database);
        List<String> actual = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (Object[] row : DEFAULTS) {
            Role role = (Role) row[0];
            ChannelType type = (ChannelType) row[1];
            ChannelId channel = c.channel(type);
            AccountId account = role == Role.ADMIN ? c.admin : role == Role.MODERATOR ? c.moderator : c.member;
            for (ChannelAction action : ChannelAction.values()) {
                boolean allowed = (boolean) row[2 + action.ordinal()];
                expected.add(role + " " + type + " " + action + " " + (allowed ? "allow" : "deny:role"));
                actual.add(role + " " + type + " " + action + " " + cell(c.decide(account, channel, action)));
            }
        }

        assertThat(actual).containsExactlyElementsOf(expected);
        assertThat(expected)
                .hasSize(Role.values().length * ChannelType.values().length * ChannelAction.values().length);
    }

    /** The account's state in the full matrix. */
    private enum AccountState {
        PLAIN,
        BANNED,
        MUTED_COMMUNITY_WIDE,
        MUTED_IN_CHANNEL,
        MUTE_EXPIRED
    }

    /** The channel's state in the full matrix. */
    private enum ChannelState {
        NORMAL,
        ARCHIVED,
        PRIVATE_NOT_LISTED,
        PRIVATE_LISTED,
        CONDITION_UNMET
    }

    /** docs/permissions.md's rules restated as the expected cell. */
    private static String expected(
            Role role, ChannelType type, ChannelAction action, AccountState account, ChannelState channel) {
        if (account == AccountState.BANNED) {
            return "deny:banned";
        }
        if (channel == ChannelState.PRIVATE_NOT_LISTED && role != Role.ADMIN) {
            return "deny:not_in_channel";
        }
        boolean byDefault = false;
        for (Object[] row : DEFAULTS) {
            if (row[0] == role && row[1] == type) {
                byDefault = (boolean) row[2 + action.ordinal()];
            }
        }
        boolean muted = account == AccountState.MUTED_COMMUNITY_WIDE || account == AccountState.MUTED_IN_CHANNEL;
        if (action == ChannelAction.WRITE && channel == ChannelState.ARCHIVED) {
            return "deny:archived";
        }
        if (action == ChannelAction.WRITE && muted) {
            return "deny:muted";
        }
        if (!byDefault) {
            return "deny:role";
        }
        if (action == ChannelAction.WRITE && channel == ChannelState.CONDITION_UNMET && role != Role.ADMIN) {
            return "deny:condition";
        }
        return "allow";
    }

    @DatabaseTest
    void every_role_type_and_action_under_every_account_and_channel_state(Database database) {
        Community c = new Community(database);
        Map<String, AccountId> accounts = new java.util.LinkedHashMap<>();
        for (Role role : Role.values()) {
            for (AccountState state : AccountState.values()) {
                accounts.put(role + "/" + state, c.join(role, clock.instant()));
            }
        }
        Map<String, ChannelId> channels = new java.util.LinkedHashMap<>();
        for (ChannelType type : ChannelType.values()) {
            for (ChannelState state : ChannelState.values()) {
                ChannelId id = c.channel(
                        type,
                        state == ChannelState.PRIVATE_LISTED || state == ChannelState.PRIVATE_NOT_LISTED,
                        state == ChannelState.CONDITION_UNMET
                                ? List.of(new SpeakingCondition.MinimumMembershipAge(Duration.ofDays(1)))
                                : List.of());
                channels.put(type + "/" + state, id);
                if (state == ChannelState.ARCHIVED) {
                    c.sql("UPDATE channels SET is_archived = TRUE WHERE id = ?", id.value());
                }
                if (state == ChannelState.PRIVATE_LISTED) {
                    accounts.values().forEach(a -> c.channels.addMember(Actor.CONSOLE, id, a));
                }
            }
        }
        Instant past = clock.instant().minusSeconds(1);
        for (Role role : Role.values()) {
            AccountId banned = accounts.get(role + "/" + AccountState.BANNED);
            c.sql("UPDATE members SET is_banned = TRUE WHERE account_id = ?", banned.toString());
            database.inTransaction(h -> {
                OverrideStore.mute(
                        h,
                        accounts.get(role + "/" + AccountState.MUTED_COMMUNITY_WIDE),
                        Optional.empty(),
                        "",
                        Actor.CONSOLE,
                        clock.instant(),
                        Optional.empty());
                OverrideStore.mute(
                        h,
                        accounts.get(role + "/" + AccountState.MUTE_EXPIRED),
                        Optional.empty(),
                        "",
                        Actor.CONSOLE,
                        past.minusSeconds(60),
                        Optional.of(past));
                for (ChannelId channel : channels.values()) {
                    OverrideStore.mute(
                            h,
                            accounts.get(role + "/" + AccountState.MUTED_IN_CHANNEL),
                            Optional.of(channel),
                            "",
                            Actor.CONSOLE,
                            clock.instant(),
                            Optional.empty());
                }
                return null;
            });
        }

        List<String> actual = new ArrayList<>();
        List<String> wanted = new ArrayList<>();
        for (Role role : Role.values()) {
            for (AccountState accountState : AccountState.values()) {
                AccountId account = accounts.get(role + "/" + accountState);
                for (ChannelType type : ChannelType.values()) {
                    for (ChannelState channelState : ChannelState.values()) {
                        ChannelId channel = channels.get(type + "/" + channelState);
                        for (ChannelAction action : ChannelAction.values()) {
                            String cell =
                                    role + " " + accountState + " " + type + " " + channelState + " " + action + " ";
                            wanted.add(cell + expected(role, type, action, accountState, channelState));
                            actual.add(cell + cell(c.decide(account, channel, action)));
                        }
                    }
                }
            }
        }

        assertThat(actual).containsExactlyElementsOf(wanted);
        assertThat(actual).hasSize(3 * 5 * 3 * 5 * 3);
    }

    @DatabaseTest
    void a_changed_role_row_decides_for_that_role_but_never_restricts_admins(Database database) {
        Community c = new Community(database);
        ChannelId channel = c.channel(ChannelType.TEXT);
        c.sql(
                "UPDATE channel_permissions SET can_read = FALSE, can_write = FALSE WHERE channel_id = ? AND role <> 'member'",
                channel.value());
        c.sql(
                "UPDATE channel_permissions SET can_manage = TRUE WHERE channel_id = ? AND role = 'member'",
                channel.value());

        assertThat(cell(c.decide(c.moderator, channel, ChannelAction.READ))).isEqualTo("deny:role");
        assertThat(cell(c.decide(c.moderator, channel, ChannelAction.WRITE))).isEqualTo("deny:role");
        assertThat(cell(c.decide(c.member, channel, ChannelAction.MANAGE))).isEqualTo("allow");
        for (ChannelAction action : ChannelAction.values()) {
            assertThat(c.decide(c.admin, channel, action).allowed())
                    .as(action.name())
                    .isTrue();
        }
    }

    @DatabaseTest
    void a_private_channel_is_closed_to_everyone_off_its_list_but_admins(Database database) {
        Community c = new Community(database);
        ChannelId channel = c.channel(ChannelType.TEXT, true, List.of());

        for (ChannelAction action : ChannelAction.values()) {
            assertThat(cell(c.decide(c.member, channel, action))).isEqualTo("deny:not_in_channel");
            assertThat(cell(c.decide(c.moderator, channel, action))).isEqualTo("deny:not_in_channel");
            assertThat(cell(c.decide(c.admin, channel, action))).isEqualTo("allow");
        }
        c.channels.addMember(Actor.CONSOLE, channel, c.member);
        c.channels.addMember(Actor.CONSOLE, channel, c.moderator);

        assertThat(cell(c.decide(c.member, channel, ChannelAction.READ))).isEqualTo("allow");
        assertThat(cell(c.decide(c.member, channel, ChannelAction.WRITE))).isEqualTo("allow");
        assertThat(cell(c.decide(c.member, channel, ChannelAction.MANAGE))).isEqualTo("deny:role");
        assertThat(cell(c.decide(c.moderator, channel, ChannelAction.MANAGE))).isEqualTo("allow");
        assertThat(c.channels.list(Actor.of(c.member)).stream()
                        .map(v -> v.channel().id()))
                .containsExactly(channel);
    }

    @DatabaseTest
    void an_archived_channel_is_read_only_for_everyone(Database database) {
        Community c = new Community(database);
        ChannelId channel = c.channel(ChannelType.TEXT);
        c.sql("UPDATE channels SET is_archived = TRUE WHERE id = ?", channel.value());

        for (AccountId account : List.of(c.admin, c.moderator, c.member)) {
            assertThat(cell(c.decide(account, channel, ChannelAction.READ))).isEqualTo("allow");
            assertThat(cell(c.decide(account, channel, ChannelAction.WRITE))).isEqualTo("deny:archived");
        }
        assertThat(cell(c.decide(c.moderator, channel, ChannelAction.MANAGE))).isEqualTo("allow");
    }

    @DatabaseTest
    void a_banned_account_may_do_nothing_anywhere(Database database) {
        Community c = new Community(database);
        ChannelId text = c.channel(ChannelType.TEXT);
        ChannelId voice = c.channel(ChannelType.VOICE);
        c.sql(
                "UPDATE members SET is_banned = TRUE WHERE account_id IN (?, ?)",
                c.member.toString(),
                c.admin.toString());

        for (ChannelId channel : List.of(text, voice)) {
            for (ChannelAction action : ChannelAction.values()) {
                assertThat(cell(c.decide(c.member, channel, action))).isEqualTo("deny:banned");
                assertThat(cell(c.decide(c.admin, channel, action))).isEqualTo("deny:banned");
            }
        }
        assertThat(cell(c.decide(c.member, ChannelId.random(), ChannelAction.READ)))
                .isEqualTo("deny:banned");
        assertThat(cell(c.permissions.decide(Actor.of(c.admin), CommunityAction.CREATE_CHANNEL)))
                .isEqualTo("deny:banned");
        assertThat(c.channels.list(Actor.of(c.member))).isEmpty();
    }

    @DatabaseTest
    void a_channel_mute_takes_writing_away_in_that_channel_only(Database database) {
        Community c = new Community(database);
        ChannelId muted = c.channel(ChannelType.TEXT);
        ChannelId other = c.channel(ChannelType.TEXT);
        database.inTransaction(h -> {
            OverrideStore.mute(
                    h, c.member, Optional.of(muted), "spam", Actor.of(c.moderator), clock.instant(), Optional.empty());
            return null;
        });

        Decision decision = c.decide(c.member, muted, ChannelAction.WRITE);
        assertThat(cell(decision)).isEqualTo("deny:muted");
        assertThat(((Decision.Denied) decision).message()).contains("until lifted", "spam");
        assertThat(cell(c.decide(c.member, muted, ChannelAction.READ))).isEqualTo("allow");
        assertThat(cell(c.decide(c.member, other, ChannelAction.WRITE))).isEqualTo("allow");
    }

    @DatabaseTest
    void a_community_wide_mute_applies_to_every_channel_and_to_admins_too(Database database) {
        Community c = new Community(database);
        ChannelId text = c.channel(ChannelType.TEXT);
        ChannelId voice = c.channel(ChannelType.VOICE);
        database.inTransaction(h -> {
            OverrideStore.mute(h, c.member, Optional.empty(), "", Actor.CONSOLE, clock.instant(), Optional.empty());
            OverrideStore.mute(h, c.admin, Optional.empty(), "", Actor.CONSOLE, clock.instant(), Optional.empty());
            return null;
        });

        for (ChannelId channel : List.of(text, voice)) {
            assertThat(cell(c.decide(c.member, channel, ChannelAction.WRITE))).isEqualTo("deny:muted");
            assertThat(cell(c.decide(c.admin, channel, ChannelAction.WRITE))).isEqualTo("deny:muted");
            assertThat(cell(c.decide(c.moderator, channel, ChannelAction.WRITE)))
                    .isEqualTo("allow");
        }
    }

    @DatabaseTest
    void a_timed_mute_ends_by_itself_when_the_clock_passes_its_expiry(Database database) {
        Community c = new Community(database);
        ChannelId channel = c.channel(ChannelType.TEXT);
        Instant expiry = clock.instant().plus(Duration.ofMinutes(10));
        database.inTransaction(h -> {
            OverrideStore.mute(
                    h, c.member, Optional.of(channel), "", Actor.of(c.admin), clock.instant(), Optional.of(expiry));
            return null;
        });

        Decision during = c.decide(c.member, channel, ChannelAction.WRITE);
        clock.advance(Duration.ofMinutes(10).minusMillis(1));
        Decision justBefore = c.decide(c.member, channel, ChannelAction.WRITE);
        clock.advance(Duration.ofMillis(1));
        Decision after = c.decide(c.member, channel, ChannelAction.WRITE);

        assertThat(cell(during)).isEqualTo("deny:muted");
        assertThat(((Decision.Denied) during).message()).contains("until " + expiry);
        assertThat(cell(justBefore)).isEqualTo("deny:muted");
        assertThat(cell(after)).isEqualTo("allow");
    }

    @DatabaseTest
    void a_channel_override_that_grants_lifts_the_role_row_but_a_denial_still_wins(Database database) {
        Community c = new Community(database);
        ChannelId announcements = c.channel(ChannelType.ANNOUNCEMENT);
        c.sql(
                "INSERT INTO member_overrides (account_id, channel_id, can_write, created_at) VALUES (?, ?, TRUE, 0)",
                c.member.toString(),
                announcements.value());

        assertThat(cell(c.decide(c.member, announcements, ChannelAction.WRITE))).isEqualTo("allow");
        c.sql(
                "INSERT INTO member_overrides (account_id, channel_id, can_write, created_at) VALUES (?, NULL, FALSE, 0)",
                c.member.toString());
        assertThat(cell(c.decide(c.member, announcements, ChannelAction.WRITE))).isEqualTo("deny:muted");
    }

    @DatabaseTest
    void a_speaking_condition_gates_writing_and_names_itself(Database database) {
        Community c = new Community(database);
        ChannelId aged = c.channel(
                ChannelType.TEXT, false, List.of(new SpeakingCondition.MinimumMembershipAge(Duration.ofDays(7))));
        ChannelId ranked =
                c.channel(ChannelType.TEXT, false, List.of(new SpeakingCondition.MinimumRole(Role.MODERATOR)));
        AccountId newcomer = c.join(Role.MEMBER, clock.instant().minus(Duration.ofDays(2)));
        AccountId newModerator = c.join(Role.MODERATOR, clock.instant());
        AccountId veteran = c.join(Role.MEMBER, clock.instant().minus(Duration.ofDays(8)));

        Decision young = c.decide(newcomer, aged, ChannelAction.WRITE);
        assertThat(cell(young)).isEqualTo("deny:condition");
        assertThat(((Decision.Denied) young).message()).contains("min_membership_age");
        assertThat(cell(c.decide(newcomer, aged, ChannelAction.READ))).isEqualTo("allow");
        assertThat(cell(c.decide(newModerator, aged, ChannelAction.WRITE))).isEqualTo("deny:condition");
        assertThat(cell(c.decide(veteran, aged, ChannelAction.WRITE))).isEqualTo("allow");
        assertThat(cell(c.decide(c.admin, aged, ChannelAction.WRITE))).isEqualTo("allow");
        clock.advance(Duration.ofDays(5));
        assertThat(cell(c.decide(newcomer, aged, ChannelAction.WRITE))).isEqualTo("allow");

        Decision lowRank = c.decide(veteran, ranked, ChannelAction.WRITE);
        assertThat(cell(lowRank)).isEqualTo("deny:condition");
        assertThat(((Decision.Denied) lowRank).message()).contains("min_role", "moderator");
        assertThat(cell(c.decide(newModerator, ranked, ChannelAction.WRITE))).isEqualTo("allow");
    }

    @DatabaseTest
    void strangers_and_missing_channels_are_refused(Database database) {
        Community c = new Community(database);
        ChannelId channel = c.channel(ChannelType.TEXT);
        AccountId stranger = AccountIdentity.generate().accountId();

        assertThat(cell(c.decide(stranger, channel, ChannelAction.READ))).isEqualTo("deny:not_a_member");
        assertThat(cell(c.decide(c.member, ChannelId.random(), ChannelAction.READ)))
                .isEqualTo("deny:no_such_channel");
    }

    @DatabaseTest
    void community_actions_follow_the_role_and_target_rules(Database database) {
        Community c = new Community(database);
        AccountId otherAdmin = c.join(Role.ADMIN, clock.instant());
        AccountId otherModerator = c.join(Role.MODERATOR, clock.instant());
        AccountId otherMember = c.join(Role.MEMBER, clock.instant());
        Map<Role, AccountId> actors = Map.of(Role.ADMIN, c.admin, Role.MODERATOR, c.moderator, Role.MEMBER, c.member);
        Map<Role, AccountId> targets =
                Map.of(Role.ADMIN, otherAdmin, Role.MODERATOR, otherModerator, Role.MEMBER, otherMember);

        List<String> actual = new ArrayList<>();
        for (Role actor : Role.values()) {
            for (CommunityAction action : CommunityAction.values()) {
                if (!action.targetsMember()) {
                    actual.add(actor + " " + action + " "
                            + cell(c.permissions.decide(Actor.of(actors.get(actor)), action)));
                    continue;
                }
                for (Role target : Role.values()) {
                    actual.add(actor + " " + action + " " + target + " "
                            + cell(database.jdbi()
                                    .withHandle(h -> c.permissions.decide(
                                            h, Actor.of(actors.get(actor)), action, targets.get(target)))));
                }
                actual.add(actor + " " + action + " self "
                        + cell(database.jdbi()
                                .withHandle(h -> c.permissions.decide(
                                        h, Actor.of(actors.get(actor)), action, actors.get(actor)))));
            }
        }

        assertThat(actual)
                .containsExactly(
                        "ADMIN CREATE_CHANNEL allow",
                        "ADMIN DELETE_CHANNEL allow",
                        "ADMIN VIEW_AUDIT allow",
                        "ADMIN CHANGE_ROLE ADMIN allow",
                        "ADMIN CHANGE_ROLE MODERATOR allow",
                        "ADMIN CHANGE_ROLE MEMBER allow",
                        "ADMIN CHANGE_ROLE self allow",
                        "ADMIN BAN ADMIN allow",
                        "ADMIN BAN MODERATOR allow",
                        "ADMIN BAN MEMBER allow",
                        "ADMIN BAN self deny:self",
                        "ADMIN MUTE ADMIN allow",
                        "ADMIN MUTE MODERATOR allow",
                        "ADMIN MUTE MEMBER allow",
                        "ADMIN MUTE self deny:self",
                        "ADMIN KICK ADMIN allow",
                        "ADMIN KICK MODERATOR allow",
                        "ADMIN KICK MEMBER allow",
                        "ADMIN KICK self deny:self",
                        "MODERATOR CREATE_CHANNEL deny:role",
                        "MODERATOR DELETE_CHANNEL deny:role",
                        "MODERATOR VIEW_AUDIT allow",
                        "MODERATOR CHANGE_ROLE ADMIN deny:role",
                        "MODERATOR CHANGE_ROLE MODERATOR deny:role",
                        "MODERATOR CHANGE_ROLE MEMBER deny:role",
                        "MODERATOR CHANGE_ROLE self deny:role",
                        "MODERATOR BAN ADMIN deny:target_rank",
                        "MODERATOR BAN MODERATOR deny:target_rank",
                        "MODERATOR BAN MEMBER allow",
                        "MODERATOR BAN self deny:self",
                        "MODERATOR MUTE ADMIN deny:target_rank",
                        "MODERATOR MUTE MODERATOR deny:target_rank",
                        "MODERATOR MUTE MEMBER allow",
                        "MODERATOR MUTE self deny:self",
                        "MODERATOR KICK ADMIN deny:target_rank",
                        "MODERATOR KICK MODERATOR deny:target_rank",
                        "MODERATOR KICK MEMBER allow",
                        "MODERATOR KICK self deny:self",
                        "MEMBER CREATE_CHANNEL deny:role",
                        "MEMBER DELETE_CHANNEL deny:role",
                        "MEMBER VIEW_AUDIT deny:role",
                        "MEMBER CHANGE_ROLE ADMIN deny:role",
                        "MEMBER CHANGE_ROLE MODERATOR deny:role",
                        "MEMBER CHANGE_ROLE MEMBER deny:role",
                        "MEMBER CHANGE_ROLE self deny:role",
                        "MEMBER BAN ADMIN deny:role",
                        "MEMBER BAN MODERATOR deny:role",
                        "MEMBER BAN MEMBER deny:role",
                        "MEMBER BAN self deny:role",
                        "MEMBER MUTE ADMIN deny:role",
                        "MEMBER MUTE MODERATOR deny:role",
                        "MEMBER MUTE MEMBER deny:role",
                        "MEMBER MUTE self deny:role",
                        "MEMBER KICK ADMIN deny:role",
                        "MEMBER KICK MODERATOR deny:role",
                        "MEMBER KICK MEMBER deny:role",
                        "MEMBER KICK self deny:role");
    }
}
