// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.channels;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.protocol.ErrorCode;
import org.nexuslink.server.accounts.MemberStore;
import org.nexuslink.server.audit.AuditAction;
import org.nexuslink.server.audit.AuditLog;
import org.nexuslink.server.http.ApiException;
import org.nexuslink.server.permissions.Actor;
import org.nexuslink.server.permissions.ChannelAction;
import org.nexuslink.server.permissions.ChannelId;
import org.nexuslink.server.permissions.CommunityAction;
import org.nexuslink.server.permissions.Decision;
import org.nexuslink.server.permissions.Permissions;
import org.nexuslink.server.storage.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creating, listing, changing, archiving and deleting channels and keeping private channels'
 * member lists. Every operation asks {@link Permissions} inside its transaction and writes its
 * audit entry in the same transaction. Thread-safe.
 */
public final class ChannelService {
    private static final Logger log = LoggerFactory.getLogger(ChannelService.class);

    /** A channel with what the asking actor may do in it. */
    public record Visible(Channel channel, Permissions.Access access) {
        public Visible {
            Objects.requireNonNull(channel, "channel");
            Objects.requireNonNull(access, "access");
        }
    }

    private final Database database;
    private final ChannelStore channels;
    private final MemberStore members;
    private final Permissions permissions;
    private final AuditLog audit;
    private final Clock clock;

    public ChannelService(
            Database database,
            ChannelStore channels,
            MemberStore members,
            Permissions permissions,
            AuditLog audit,
            Clock clock) {
        this.database = Objects.requireNonNull(database, "database");
        this.channels = Objects.requireNonNull(channels, "channels");
        this.members = Objects.requireNonNull(members, "members");
        this.permissions = Objects.requireNonNull(permissions, "permissions");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Creates a channel from {@code draft} (its id, creator and time are assigned here). Admins
     * only. The creator of a private channel is put on its member list.
     */
    public Visible create(Actor actor, Channel draft) {
        Instant now = clock.instant();
        Channel channel = new Channel(
                ChannelId.random(),
                draft.name(),
                draft.type(),
                draft.description(),
                draft.isPrivate(),
                draft.archived(),
                actor.account().orElse(null),
                now,
                draft.permissions(),
                draft.conditions());
        database.inTransaction(h -> {
            permissions.decide(h, actor, CommunityAction.CREATE_CHANNEL).orThrow();
            channels.insert(h, channel);
            if (channel.isPrivate()) {
                actor.account().ifPresent(a -> channels.addMember(h, channel.id(), a, Optional.of(a), now));
            }
            audit.append(
                    h,
                    actor,
                    AuditAction.CHANNEL_CREATE,
                    Optional.empty(),
                    Optional.of(channel.id()),
                    Map.of("name", channel.name(), "type", channel.type().wireName(), "private", channel.isPrivate()));
            return null;
        });
        log.atInfo()
                .addKeyValue("actor", actor)
                .addKeyValue("channel", channel.id())
                .addKeyValue("type", channel.type().wireName())
                .log("channel created");
        return get(actor, channel.id());
    }

    /** The channels the actor may read (the console: all of them), in creation order. */
    public List<Visible> list(Actor actor) {
        List<Channel> all = channels.list();
        return switch (actor) {
            case Actor.Console ignored ->
                all.stream().map(c -> new Visible(c, consoleAccess(c.id()))).toList();
            case Actor.Account account -> {
                Map<ChannelId, Permissions.Access> access = permissions.accessToAll(account.id()).stream()
                        .collect(Collectors.toMap(Permissions.Access::channel, Function.identity()));
                yield all.stream()
                        .filter(c -> access.containsKey(c.id())
                                && access.get(c.id()).read().allowed())
                        .map(c -> new Visible(c, access.get(c.id())))
                        .toList();
            }
        };
    }

    /** One channel, if the actor may read it. */
    public Visible get(Actor actor, ChannelId id) {
        return database.jdbi().withHandle(h -> {
            permissions.decide(h, actor, id, ChannelAction.READ).orThrow();
            return visible(h, actor, id);
        });
    }

    /**
     * Changes a channel's settings (name, description, privacy, archived, role rows, speaking
     * conditions): {@code edit} maps the current channel to the wanted one and may throw
     * {@link IllegalArgumentException} for a bad value. Needs manage permission.
     */
    public Visible update(Actor actor, ChannelId id, UnaryOperator<Channel> edit) {
        database.inTransaction(h -> {
            permissions.decide(h, actor, id, ChannelAction.MANAGE).orThrow();
            Channel before = channels.find(h, id).orElseThrow();
            Channel after;
            try {
                after = edit.apply(before);
            } catch (IllegalArgumentException e) {
                throw new ApiException(ErrorCode.INVALID_FIELD, e.getMessage());
            }
            if (!after.id().equals(before.id())
                    || after.type() != before.type()
                    || !after.creator().equals(before.creator())
                    || !after.createdAt().equals(before.createdAt())) {
                throw new ApiException(
                        ErrorCode.INVALID_FIELD, "a channel's id, type, creator and creation time cannot change");
            }
            Map<String, Object> changed = changes(before, after);
            if (changed.isEmpty()) {
                return null;
            }
            channels.update(h, after);
            if (before.archived() != after.archived()) {
                audit.append(
                        h,
                        actor,
                        after.archived() ? AuditAction.CHANNEL_ARCHIVE : AuditAction.CHANNEL_UNARCHIVE,
                        Optional.empty(),
                        Optional.of(id),
                        Map.of());
                changed.remove("archived");
            }
            if (!changed.isEmpty()) {
                audit.append(h, actor, AuditAction.CHANNEL_UPDATE, Optional.empty(), Optional.of(id), changed);
            }
            return null;
        });
        log.atInfo().addKeyValue("actor", actor).addKeyValue("channel", id).log("channel updated");
        return get(actor, id);
    }

    /**
     * Deletes a channel for good, with its role rows, conditions, member list and mutes in it.
     * Admins only; archiving keeps a channel's history instead.
     */
    public void delete(Actor actor, ChannelId id) {
        database.inTransaction(h -> {
            permissions.decide(h, actor, CommunityAction.DELETE_CHANNEL).orThrow();
            Channel channel =
                    channels.find(h, id).orElseThrow(() -> new ApiException(ErrorCode.NOT_FOUND, "no channel " + id));
            channels.delete(h, id);
            audit.append(
                    h,
                    actor,
                    AuditAction.CHANNEL_DELETE,
                    Optional.empty(),
                    Optional.of(id),
                    Map.of("name", channel.name(), "type", channel.type().wireName()));
            return null;
        });
        log.atInfo().addKeyValue("actor", actor).addKeyValue("channel", id).log("channel deleted");
    }

    /** A private channel's member list; needs read permission. */
    public List<AccountId> members(Actor actor, ChannelId id) {
        return database.jdbi().withHandle(h -> {
            permissions.decide(h, actor, id, ChannelAction.READ).orThrow();
            requirePrivate(h, id);
            return channels.members(h, id);
        });
    }

    /** Puts a community member on a private channel's list; needs manage permission. */
    public void addMember(Actor actor, ChannelId id, AccountId account) {
        boolean added = database.inTransaction(h -> {
            permissions.decide(h, actor, id, ChannelAction.MANAGE).orThrow();
            requirePrivate(h, id);
            if (members.find(h, account).isEmpty()) {
                throw new ApiException(ErrorCode.NOT_FOUND, "no member " + account);
            }
            boolean fresh = channels.addMember(h, id, account, actor.account(), clock.instant());
            if (fresh) {
                audit.append(h, actor, AuditAction.CHANNEL_MEMBER_ADD, Optional.of(account), Optional.of(id), Map.of());
            }
            return fresh;
        });
        log.atInfo()
                .addKeyValue("actor", actor)
                .addKeyValue("channel", id)
                .addKeyValue("account", account)
                .addKeyValue("added", added)
                .log("channel member added");
    }

    /** Takes an account off a private channel's list; needs manage permission. */
    public void removeMember(Actor actor, ChannelId id, AccountId account) {
        database.inTransaction(h -> {
            permissions.decide(h, actor, id, ChannelAction.MANAGE).orThrow();
            requirePrivate(h, id);
            if (!channels.removeMember(h, id, account)) {
                throw new ApiException(ErrorCode.NOT_FOUND, account + " is not on the member list of channel " + id);
            }
            audit.append(h, actor, AuditAction.CHANNEL_MEMBER_REMOVE, Optional.of(account), Optional.of(id), Map.of());
            return null;
        });
        log.atInfo()
                .addKeyValue("actor", actor)
                .addKeyValue("channel", id)
                .addKeyValue("account", account)
                .log("channel member removed");
    }

    private Visible visible(Handle h, Actor actor, ChannelId id) {
        Channel channel =
                channels.find(h, id).orElseThrow(() -> new ApiException(ErrorCode.NOT_FOUND, "no channel " + id));
        Permissions.Access access = switch (actor) {
            case Actor.Console ignored -> consoleAccess(id);
            case Actor.Account account ->
                new Permissions.Access(
                        id,
                        permissions.decide(h, account.id(), id, ChannelAction.READ),
                        permissions.decide(h, account.id(), id, ChannelAction.WRITE),
                        permissions.decide(h, account.id(), id, ChannelAction.MANAGE));
        };
        return new Visible(channel, access);
    }

    private void requirePrivate(Handle h, ChannelId id) {
        if (!channels.find(h, id).orElseThrow().isPrivate()) {
            throw new ApiException(
                    ErrorCode.CONFLICT,
                    "channel " + id + " is public: it has no member list (every member may read it)");
        }
    }

    private static Permissions.Access consoleAccess(ChannelId id) {
        return new Permissions.Access(id, Decision.ALLOWED, Decision.ALLOWED, Decision.ALLOWED);
    }

    private static Map<String, Object> changes(Channel before, Channel after) {
        Map<String, Object> changed = new LinkedHashMap<>();
        if (!before.name().equals(after.name())) {
            changed.put("name", after.name());
        }
        if (!before.description().equals(after.description())) {
            changed.put("description", after.description());
        }
        if (before.isPrivate() != after.isPrivate()) {
            changed.put("private", after.isPrivate());
        }
        if (before.archived() != after.archived()) {
            changed.put("archived", after.archived());
        }
        if (!before.permissions().equals(after.permissions())) {
            Map<String, Object> rows = new LinkedHashMap<>();
            after.permissions()
                    .forEach((role, row) -> rows.put(
                            role.wireName(),
                            Map.of("can_read", row.read(), "can_write", row.write(), "can_manage", row.manage())));
            changed.put("permissions", rows);
        }
        if (!before.conditions().equals(after.conditions())) {
            changed.put(
                    "speaking_conditions",
                    after.conditions().stream()
                            .map(c -> c.kind() + "=" + c.value())
                            .toList());
        }
        return changed;
    }
}
