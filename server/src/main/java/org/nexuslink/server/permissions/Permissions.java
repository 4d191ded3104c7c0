// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.permissions;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.server.accounts.Member;
import org.nexuslink.server.accounts.MemberStore;
import org.nexuslink.server.accounts.Role;
import org.nexuslink.server.storage.Database;

/**
 * The one answer to "may account A do X in channel C now?" (and "may A do X to member B?"),
 * with a reason when not. Every endpoint asks it, and so will the messaging gateway before it
 * accepts or delivers an event. docs/permissions.md states the rules and the full matrix.
 *
 * <p>It reads the facts (member, channel, role row, private member list, overrides, conditions)
 * from the tables the channels and moderation features write, and never writes. Time comes from
 * the injected clock, so a timed mute ends by itself with no sweeper. Thread-safe.
 */
public final class Permissions {
    private final Database database;
    private final MemberStore members;
    private final Clock clock;

    public Permissions(Database database, MemberStore members, Clock clock) {
        this.database = Objects.requireNonNull(database, "database");
        this.members = Objects.requireNonNull(members, "members");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Everything the rules look at for one account in one channel. */
    record ChannelFacts(
            ChannelId id,
            String name,
            ChannelType type,
            boolean isPrivate,
            boolean archived,
            boolean listed,
            RolePermissions roleRow,
            List<MemberOverride> overrides,
            List<SpeakingCondition> conditions) {}

    /** What an account may do in one channel, each action with its decision. */
    public record Access(ChannelId channel, Decision read, Decision write, Decision manage) {
        public Decision of(ChannelAction action) {
            return switch (action) {
                case READ -> read;
                case WRITE -> write;
                case MANAGE -> manage;
            };
        }
    }

    /** Decides a channel action now, on a fresh read. */
    public Decision decide(AccountId account, ChannelId channel, ChannelAction action) {
        return database.jdbi().withHandle(h -> decide(h, account, channel, action));
    }

    /** Decides a channel action inside the caller's transaction (or handle). */
    public Decision decide(Handle h, AccountId account, ChannelId channel, ChannelAction action) {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(action, "action");
        Optional<Member> member = members.find(h, account);
        if (member.isEmpty()) {
            return notAMember(account);
        }
        Map<ChannelId, ChannelFacts> facts = facts(h, member.get(), Optional.of(channel));
        ChannelFacts channelFacts = facts.get(channel);
        if (channelFacts == null) {
            return member.get().banned()
                    ? banned()
                    : Decision.deny(Decision.Reason.NO_SUCH_CHANNEL, "no channel " + channel);
        }
        return evaluate(member.get(), channelFacts, action, clock.instant());
    }

    /**
     * Who among {@code accounts} may read a channel now: {@link #decide} for each, with the same
     * rules, but from a fixed number of queries for the whole set instead of six per account, so
     * fanning an event out to thousands of connected members does not cost thousands of queries.
     *
     * @return the accounts allowed to read (none when the channel does not exist)
     */
    public Set<AccountId> readers(ChannelId channel, java.util.Collection<AccountId> accounts) {
        Objects.requireNonNull(channel, "channel");
        if (accounts.isEmpty()) {
            return Set.of();
        }
        return database.jdbi().withHandle(h -> {
            record Row(String name, ChannelType type, boolean isPrivate, boolean archived) {}
            Optional<Row> row = h.createQuery(
                            "SELECT name, channel_type, is_private, is_archived FROM channels " + "WHERE id = :channel")
                    .bindByType("channel", channel.value(), UUID.class)
                    .map((rs, ctx) -> new Row(
                            rs.getString("name"),
                            ChannelType.fromWire(rs.getString("channel_type"))
                                    .orElseThrow(() -> new IllegalStateException("unknown channel type in database")),
                            rs.getBoolean("is_private"),
                            rs.getBoolean("is_archived")))
                    .findOne();
            if (row.isEmpty()) {
                return Set.<AccountId>of();
            }
            Row c = row.get();
            Map<String, RolePermissions> roleRows = new HashMap<>();
            h.createQuery(
                            "SELECT role, can_read, can_write, can_manage FROM channel_permissions WHERE channel_id = :channel")
                    .bindByType("channel", channel.value(), UUID.class)
                    .map((rs, ctx) -> Map.entry(
                            rs.getString("role"),
                            new RolePermissions(
                                    rs.getBoolean("can_read"),
                                    rs.getBoolean("can_write"),
                                    rs.getBoolean("can_manage"))))
                    .forEach(e -> roleRows.put(e.getKey(), e.getValue()));
            Set<String> listed = c.isPrivate()
                    ? new HashSet<>(h.createQuery("SELECT account_id FROM channel_members WHERE channel_id = :channel")
                            .bindByType("channel", channel.value(), UUID.class)
                            .mapTo(String.class)
                            .list())
                    : Set.of();
            Map<String, List<MemberOverride>> overrides = OverrideStore.listForChannel(h, channel);
            Instant now = clock.instant();
            Set<AccountId> readers = new HashSet<>();
            for (Member member : members.findAll(h, accounts).values()) {
                String id = member.account().toString();
                ChannelFacts facts = new ChannelFacts(
                        channel,
                        c.name(),
                        c.type(),
                        c.isPrivate(),
                        c.archived(),
                        listed.contains(id),
                        roleRows.getOrDefault(
                                member.role().wireName(), RolePermissions.defaults(c.type(), member.role())),
                        overrides.getOrDefault(id, List.of()),
                        List.of());
                if (evaluate(member, facts, ChannelAction.READ, now).allowed()) {
                    readers.add(member.account());
                }
            }
            return readers;
        });
    }

    /**
     * Decides a channel action for an actor inside the caller's handle: the console may do
     * anything in an existing channel, an account is decided by the rules.
     */
    public Decision decide(Handle h, Actor actor, ChannelId channel, ChannelAction action) {
        return switch (actor) {
            case Actor.Account account -> decide(h, account.id(), channel, action);
            case Actor.Console ignored ->
                h.createQuery("SELECT COUNT(*) FROM channels WHERE id = :id")
                                        .bind("id", channel.value())
                                        .mapTo(Integer.class)
                                        .one()
                                > 0
                        ? Decision.ALLOWED
                        : Decision.deny(Decision.Reason.NO_SUCH_CHANNEL, "no channel " + channel);
        };
    }

    /** Every channel's decisions for one account, in channel creation order (for listings). */
    public List<Access> accessToAll(AccountId account) {
        return database.jdbi().withHandle(h -> {
            Optional<Member> member = members.find(h, account);
            if (member.isEmpty()) {
                return List.<Access>of();
            }
            Instant now = clock.instant();
            return facts(h, member.get(), Optional.empty()).values().stream()
                    .map(f -> new Access(
                            f.id(),
                            evaluate(member.get(), f, ChannelAction.READ, now),
                            evaluate(member.get(), f, ChannelAction.WRITE, now),
                            evaluate(member.get(), f, ChannelAction.MANAGE, now)))
                    .toList();
        });
    }

    /** Decides a community action that has no target member, now. */
    public Decision decide(Actor actor, CommunityAction action) {
        return database.jdbi().withHandle(h -> decide(h, actor, action));
    }

    /** Decides a community action that has no target member, inside the caller's handle. */
    public Decision decide(Handle h, Actor actor, CommunityAction action) {
        if (action.targetsMember()) {
            throw new IllegalArgumentException(action + " needs a target member");
        }
        return switch (actor) {
            case Actor.Console ignored -> Decision.ALLOWED;
            case Actor.Account account ->
                members.find(h, account.id())
                        .map(m -> evaluate(m, action, Optional.empty()))
                        .orElseGet(() -> notAMember(account.id()));
        };
    }

    /** Decides a community action on {@code target}, inside the caller's transaction (or handle). */
    public Decision decide(Handle h, Actor actor, CommunityAction action, AccountId target) {
        if (!action.targetsMember()) {
            throw new IllegalArgumentException(action + " takes no target member");
        }
        Optional<Member> targetMember = members.find(h, target);
        Decision noTarget = Decision.deny(Decision.Reason.NO_SUCH_MEMBER, "no member " + target);
        return switch (actor) {
            case Actor.Console ignored -> targetMember.isPresent() ? Decision.ALLOWED : noTarget;
            case Actor.Account account -> {
                Optional<Member> actorMember = members.find(h, account.id());
                if (actorMember.isEmpty()) {
                    yield notAMember(account.id());
                }
                if (targetMember.isEmpty()) {
                    Decision asActor = evaluate(actorMember.get(), action, Optional.empty());
                    yield asActor.allowed() ? noTarget : asActor;
                }
                yield evaluate(actorMember.get(), action, targetMember);
            }
        };
    }

    /** Admin 2, moderator 1, member 0: a higher rank includes the lower ones' powers. */
    public static int rank(Role role) {
        return switch (role) {
            case ADMIN -> 2;
            case MODERATOR -> 1;
            case MEMBER -> 0;
        };
    }

    /**
     * The channel rules, in order: banned accounts may do nothing; admins have every permission
     * of the role table; a private channel is closed to accounts not on its list (admins
     * excepted); writing needs reading; an archived channel is read-only; the role row decides,
     * then a channel override that grants lifts it and any active override that denies wins (a
     * mute); finally, for writing, every speaking condition (admins exempt).
     */
    static Decision evaluate(Member member, ChannelFacts channel, ChannelAction action, Instant now) {
        if (member.banned()) {
            return banned();
        }
        boolean admin = member.role() == Role.ADMIN;
        if (channel.isPrivate() && !admin && !channel.listed()) {
            return Decision.deny(
                    Decision.Reason.NOT_IN_CHANNEL,
                    "channel " + channel.name() + " is private and the account is not on its member list");
        }
        if (action == ChannelAction.WRITE) {
            Decision read = evaluate(member, channel, ChannelAction.READ, now);
            if (!read.allowed()) {
                return read;
            }
            if (channel.archived()) {
                return Decision.deny(
                        Decision.Reason.ARCHIVED, "channel " + channel.name() + " is archived (read-only)");
            }
        }
        RolePermissions row = admin ? RolePermissions.ALL : channel.roleRow();
        boolean granted = row.allows(action);
        Optional<MemberOverride> denying = Optional.empty();
        for (MemberOverride override : channel.overrides()) {
            if (!override.activeAt(now)) {
                continue;
            }
            MemberOverride.Grant grant = override.grant(action);
            if (grant == MemberOverride.Grant.ALLOW && override.channelId().isPresent()) {
                granted = true;
            } else if (grant == MemberOverride.Grant.DENY && denying.isEmpty()) {
                denying = Optional.of(override);
            }
        }
        if (denying.isPresent()) {
            MemberOverride o = denying.get();
            String until = o.expiry().map(t -> " until " + t).orElse(" until lifted");
            String what = action == ChannelAction.WRITE ? "muted " : action.wireName() + " revoked ";
            return Decision.deny(
                    Decision.Reason.MUTED,
                    what + o.scope() + until + (o.reason().isEmpty() ? "" : " (" + o.reason() + ")"));
        }
        if (!granted) {
            return Decision.deny(
                    Decision.Reason.ROLE,
                    "role " + member.role().wireName() + " may not " + action.wireName() + " in "
                            + channel.type().wireName() + " channel " + channel.name());
        }
        if (action == ChannelAction.WRITE && !admin) {
            for (SpeakingCondition condition : channel.conditions()) {
                Optional<String> unmet = condition.unmetBy(member, now);
                if (unmet.isPresent()) {
                    return Decision.deny(Decision.Reason.CONDITION, unmet.get());
                }
            }
        }
        return Decision.ALLOWED;
    }

    /**
     * The community rules: banned accounts may do nothing; creating and deleting channels and
     * changing roles are for admins; the audit log is for admins and moderators; ban, mute and
     * kick are for admins (on anyone but themselves) and moderators (on members only).
     */
    static Decision evaluate(Member actor, CommunityAction action, Optional<Member> target) {
        if (actor.banned()) {
            return banned();
        }
        Role role = actor.role();
        return switch (action) {
            case CREATE_CHANNEL, DELETE_CHANNEL, CHANGE_ROLE ->
                role == Role.ADMIN
                        ? Decision.ALLOWED
                        : Decision.deny(
                                Decision.Reason.ROLE,
                                "only admins may " + action.wireName() + "; the account is " + role.wireName());
            case VIEW_AUDIT ->
                rank(role) >= rank(Role.MODERATOR)
                        ? Decision.ALLOWED
                        : Decision.deny(Decision.Reason.ROLE, "only admins and moderators may view the audit log");
            case BAN, MUTE, KICK -> {
                if (rank(role) < rank(Role.MODERATOR)) {
                    yield Decision.deny(Decision.Reason.ROLE, "only admins and moderators may " + action.wireName());
                }
                if (target.isEmpty()) {
                    yield Decision.ALLOWED;
                }
                if (target.get().account().equals(actor.account())) {
                    yield Decision.deny(Decision.Reason.SELF, "an account may not " + action.wireName() + " itself");
                }
                if (role == Role.MODERATOR && target.get().role() != Role.MEMBER) {
                    yield Decision.deny(
                            Decision.Reason.TARGET_RANK,
                            "moderators act on members only; the target is "
                                    + target.get().role().wireName());
                }
                yield Decision.ALLOWED;
            }
        };
    }

    private static Decision banned() {
        return Decision.deny(Decision.Reason.BANNED, "the account is banned");
    }

    private static Decision notAMember(AccountId account) {
        return Decision.deny(Decision.Reason.NOT_A_MEMBER, account + " is not a member");
    }

    /** The facts of every channel (or only {@code only}) for one member, in creation order. */
    private static Map<ChannelId, ChannelFacts> facts(Handle h, Member member, Optional<ChannelId> only) {
        String account = member.account().toString();
        String channelFilter = only.isPresent() ? " AND c.id = :channel" : "";
        record Row(ChannelId id, String name, ChannelType type, boolean isPrivate, boolean archived) {}
        var channelQuery = h.createQuery("SELECT c.id, c.name, c.channel_type, c.is_private, c.is_archived "
                + "FROM channels c WHERE 1 = 1" + channelFilter + " ORDER BY c.created_at, c.id");
        only.ifPresent(id -> channelQuery.bind("channel", id.value()));
        List<Row> channels = channelQuery
                .map((rs, ctx) -> new Row(
                        new ChannelId(ctx.findColumnMapperFor(UUID.class)
                                .orElseThrow()
                                .map(rs, "id", ctx)),
                        rs.getString("name"),
                        ChannelType.fromWire(rs.getString("channel_type"))
                                .orElseThrow(() -> new IllegalStateException("unknown channel type in database")),
                        rs.getBoolean("is_private"),
                        rs.getBoolean("is_archived")))
                .list();
        if (channels.isEmpty()) {
            return Map.of();
        }

        Map<ChannelId, RolePermissions> rows = new HashMap<>();
        var rowQuery = h.createQuery("SELECT c.channel_id, c.can_read, c.can_write, c.can_manage "
                + "FROM channel_permissions c WHERE c.role = :role" + channelFilter.replace("c.id", "c.channel_id"));
        rowQuery.bind("role", member.role().wireName());
        only.ifPresent(id -> rowQuery.bind("channel", id.value()));
        rowQuery.map((rs, ctx) -> Map.entry(
                        uuid(rs, ctx),
                        new RolePermissions(
                                rs.getBoolean("can_read"), rs.getBoolean("can_write"), rs.getBoolean("can_manage"))))
                .forEach(e -> rows.put(e.getKey(), e.getValue()));

        Set<ChannelId> listed =
                new HashSet<>(h.createQuery("SELECT channel_id FROM channel_members WHERE account_id = :account")
                        .bind("account", account)
                        .map((rs, ctx) -> uuid(rs, ctx))
                        .list());

        List<MemberOverride> overrides = OverrideStore.listFor(h, member.account());

        Map<ChannelId, List<SpeakingCondition>> conditions = new HashMap<>();
        var conditionQuery = h.createQuery("SELECT c.channel_id, c.kind, c.value FROM channel_conditions c WHERE 1 = 1"
                + channelFilter.replace("c.id", "c.channel_id") + " ORDER BY c.kind");
        only.ifPresent(id -> conditionQuery.bind("channel", id.value()));
        conditionQuery
                .map((rs, ctx) -> Map.entry(uuid(rs, ctx), stored(rs)))
                .forEach(e -> conditions
                        .computeIfAbsent(e.getKey(), k -> new ArrayList<>())
                        .add(e.getValue()));

        Map<ChannelId, ChannelFacts> facts = new LinkedHashMap<>();
        for (Row c : channels) {
            List<MemberOverride> applying = overrides.stream()
                    .filter(o -> o.channelId().isEmpty() || o.channelId().get().equals(c.id()))
                    .toList();
            facts.put(
                    c.id(),
                    new ChannelFacts(
                            c.id(),
                            c.name(),
                            c.type(),
                            c.isPrivate(),
                            c.archived(),
                            listed.contains(c.id()),
                            rows.getOrDefault(c.id(), RolePermissions.defaults(c.type(), member.role())),
                            applying,
                            conditions.getOrDefault(c.id(), List.of())));
        }
        return facts;
    }

    private static ChannelId uuid(ResultSet rs, org.jdbi.v3.core.statement.StatementContext ctx) throws SQLException {
        return new ChannelId(ctx.findColumnMapperFor(UUID.class).orElseThrow().map(rs, "channel_id", ctx));
    }

    private static SpeakingCondition stored(ResultSet rs) throws SQLException {
        try {
            return SpeakingCondition.of(rs.getString("kind"), rs.getString("value"));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("corrupt speaking condition in the database", e);
        }
    }
}
