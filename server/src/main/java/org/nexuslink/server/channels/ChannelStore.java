// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.channels;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.StatementContext;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.server.accounts.Role;
import org.nexuslink.server.auth.Principal;
import org.nexuslink.server.permissions.ChannelId;
import org.nexuslink.server.permissions.ChannelType;
import org.nexuslink.server.permissions.RolePermissions;
import org.nexuslink.server.permissions.SpeakingCondition;
import org.nexuslink.server.storage.Database;

/**
 * Owns {@code channels}, {@code channel_permissions}, {@code channel_conditions} and
 * {@code channel_members} (the private member lists). Writes happen in the caller's
 * transaction. Thread-safe.
 */
public final class ChannelStore {
    private static final String COLUMNS =
            "id, name, channel_type, description, is_private, is_archived, created_by, created_at";

    private final Database database;

    public ChannelStore(Database database) {
        this.database = Objects.requireNonNull(database, "database");
    }

    /** Every channel, in creation order. */
    public List<Channel> list() {
        return database.jdbi().withHandle(this::list);
    }

    List<Channel> list(Handle h) {
        return load(h, Optional.empty());
    }

    public Optional<Channel> find(ChannelId id) {
        return database.jdbi().withHandle(h -> find(h, id));
    }

    Optional<Channel> find(Handle h, ChannelId id) {
        return load(h, Optional.of(id)).stream().findFirst();
    }

    void insert(Handle h, Channel channel) {
        h.createUpdate("INSERT INTO channels (" + COLUMNS + ") VALUES (:id, :name, :type, :description, :private, "
                        + ":archived, :created_by, :created_at)")
                .bind("id", channel.id().value())
                .bind("name", channel.name())
                .bind("type", channel.type().wireName())
                .bind("description", channel.description().isEmpty() ? null : channel.description())
                .bind("private", channel.isPrivate())
                .bind("archived", channel.archived())
                .bind("created_by", channel.creator().map(AccountId::toString).orElse(null))
                .bind("created_at", channel.createdAt())
                .execute();
        writeRules(h, channel);
    }

    /** Replaces the channel's settings, role rows and conditions with {@code channel}'s. */
    void update(Handle h, Channel channel) {
        h.createUpdate("UPDATE channels SET name = :name, description = :description, is_private = :private, "
                        + "is_archived = :archived WHERE id = :id")
                .bind("id", channel.id().value())
                .bind("name", channel.name())
                .bind("description", channel.description().isEmpty() ? null : channel.description())
                .bind("private", channel.isPrivate())
                .bind("archived", channel.archived())
                .execute();
        h.createUpdate("DELETE FROM channel_permissions WHERE channel_id = :id")
                .bind("id", channel.id().value())
                .execute();
        h.createUpdate("DELETE FROM channel_conditions WHERE channel_id = :id")
                .bind("id", channel.id().value())
                .execute();
        writeRules(h, channel);
    }

    /** Deletes a channel with its rows in the tables this store owns and its member overrides. */
    boolean delete(Handle h, ChannelId id) {
        return h.createUpdate("DELETE FROM channels WHERE id = :id")
                        .bind("id", id.value())
                        .execute()
                > 0;
    }

    /** Puts an account on a private channel's list; returns false if it was already there. */
    boolean addMember(Handle h, ChannelId channel, AccountId account, Optional<AccountId> by, Instant now) {
        return h.createUpdate(
                                "INSERT INTO channel_members (channel_id, account_id, added_by, added_at) "
                                        + "VALUES (:channel, :account, :by, :now) ON CONFLICT (channel_id, account_id) DO NOTHING")
                        .bind("channel", channel.value())
                        .bind("account", account.toString())
                        .bind("by", by.map(AccountId::toString).orElse(null))
                        .bind("now", now)
                        .execute()
                > 0;
    }

    boolean removeMember(Handle h, ChannelId channel, AccountId account) {
        return h.createUpdate("DELETE FROM channel_members WHERE channel_id = :channel AND account_id = :account")
                        .bind("channel", channel.value())
                        .bind("account", account.toString())
                        .execute()
                > 0;
    }

    /** The accounts on a channel's list, by account id. */
    List<AccountId> members(Handle h, ChannelId channel) {
        return h.createQuery("SELECT account_id FROM channel_members WHERE channel_id = :channel ORDER BY account_id")
                .bind("channel", channel.value())
                .map((rs, ctx) -> Principal.storedAccount(rs.getString(1)))
                .list();
    }

    private static void writeRules(Handle h, Channel channel) {
        for (Map.Entry<Role, RolePermissions> row : channel.permissions().entrySet()) {
            h.createUpdate("INSERT INTO channel_permissions (channel_id, role, can_read, can_write, can_manage) "
                            + "VALUES (:id, :role, :read, :write, :manage)")
                    .bind("id", channel.id().value())
                    .bind("role", row.getKey().wireName())
                    .bind("read", row.getValue().read())
                    .bind("write", row.getValue().write())
                    .bind("manage", row.getValue().manage())
                    .execute();
        }
        for (SpeakingCondition condition : channel.conditions()) {
            h.createUpdate("INSERT INTO channel_conditions (channel_id, kind, value) VALUES (:id, :kind, :value)")
                    .bind("id", channel.id().value())
                    .bind("kind", condition.kind())
                    .bind("value", condition.value())
                    .execute();
        }
    }

    private static List<Channel> load(Handle h, Optional<ChannelId> only) {
        String where = only.isPresent() ? " WHERE channel_id = :id" : "";
        Map<ChannelId, Map<Role, RolePermissions>> rows = new HashMap<>();
        var rowQuery = h.createQuery(
                "SELECT channel_id, role, can_read, can_write, can_manage FROM channel_permissions" + where);
        only.ifPresent(id -> rowQuery.bind("id", id.value()));
        rowQuery.map((rs, ctx) -> {
                    Role role = Role.fromWire(rs.getString("role"))
                            .orElseThrow(() -> new IllegalStateException("unknown role in database"));
                    rows.computeIfAbsent(uuid(rs, "channel_id", ctx), k -> new EnumMap<>(Role.class))
                            .put(
                                    role,
                                    new RolePermissions(
                                            rs.getBoolean("can_read"),
                                            rs.getBoolean("can_write"),
                                            rs.getBoolean("can_manage")));
                    return role;
                })
                .list();
        Map<ChannelId, List<SpeakingCondition>> conditions = new HashMap<>();
        var conditionQuery =
                h.createQuery("SELECT channel_id, kind, value FROM channel_conditions" + where + " ORDER BY kind");
        only.ifPresent(id -> conditionQuery.bind("id", id.value()));
        conditionQuery
                .map((rs, ctx) -> {
                    SpeakingCondition condition = stored(rs.getString("kind"), rs.getString("value"));
                    conditions
                            .computeIfAbsent(uuid(rs, "channel_id", ctx), k -> new ArrayList<>())
                            .add(condition);
                    return condition;
                })
                .list();
        var query = h.createQuery("SELECT " + COLUMNS + " FROM channels" + (only.isPresent() ? " WHERE id = :id" : "")
                + " ORDER BY created_at, id");
        only.ifPresent(id -> query.bind("id", id.value()));
        return query.map((rs, ctx) -> {
                    ChannelId id = uuid(rs, "id", ctx);
                    ChannelType type = ChannelType.fromWire(rs.getString("channel_type"))
                            .orElseThrow(() -> new IllegalStateException("unknown channel type in database"));
                    Map<Role, RolePermissions> permissions = Channel.defaultPermissions(type);
                    permissions.putAll(rows.getOrDefault(id, Map.of()));
                    permissions.put(Role.ADMIN, RolePermissions.ALL);
                    String creator = rs.getString("created_by");
                    String description = rs.getString("description");
                    return new Channel(
                            id,
                            rs.getString("name"),
                            type,
                            description == null ? "" : description,
                            rs.getBoolean("is_private"),
                            rs.getBoolean("is_archived"),
                            creator == null ? null : Principal.storedAccount(creator),
                            Instant.ofEpochMilli(rs.getLong("created_at")),
                            permissions,
                            conditions.getOrDefault(id, List.of()));
                })
                .list();
    }

    private static SpeakingCondition stored(String kind, String value) {
        try {
            return SpeakingCondition.of(kind, value);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("corrupt speaking condition in the database", e);
        }
    }

    private static ChannelId uuid(ResultSet rs, String column, StatementContext ctx) throws SQLException {
        return new ChannelId(ctx.findColumnMapperFor(UUID.class).orElseThrow().map(rs, column, ctx));
    }
}
