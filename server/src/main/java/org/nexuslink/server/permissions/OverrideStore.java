// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.permissions;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.nexuslink.crypto.identity.AccountId;

/**
 * Owns {@code member_overrides}: per-member exceptions to the role permissions, one per
 * (member, channel) and one community-wide per member. The moderation feature writes mutes here
 * inside its transactions; {@link Permissions} reads them. Expired rows are ignored by readers,
 * so nothing has to delete them for a timed mute to end. Stateless: every method works in the
 * caller's handle.
 */
public final class OverrideStore {
    private static final String COLUMNS =
            "id, channel_id, can_read, can_write, can_manage, reason, created_at, expires_at";

    private OverrideStore() {}

    /** Every override of an account, expired ones included, community-wide first. */
    public static List<MemberOverride> listFor(Handle h, AccountId account) {
        return h.createQuery("SELECT " + COLUMNS + " FROM member_overrides WHERE account_id = :account "
                        + "ORDER BY CASE WHEN channel_id IS NULL THEN 0 ELSE 1 END, id")
                .bind("account", account.toString())
                .map((rs, ctx) -> new MemberOverride(
                        rs.getLong("id"),
                        channel(rs, ctx),
                        grant(rs, "can_read"),
                        grant(rs, "can_write"),
                        grant(rs, "can_manage"),
                        Objects.requireNonNullElse(rs.getString("reason"), ""),
                        Instant.ofEpochMilli(rs.getLong("created_at")),
                        rs.getObject("expires_at") == null ? null : Instant.ofEpochMilli(rs.getLong("expires_at"))))
                .list();
    }

    /**
     * Every override that can apply in one channel (community-wide ones and that channel's), by
     * account, each account's community-wide first, expired ones included.
     */
    public static Map<String, List<MemberOverride>> listForChannel(Handle h, ChannelId channel) {
        Map<String, List<MemberOverride>> byAccount = new HashMap<>();
        h.createQuery("SELECT account_id, " + COLUMNS + " FROM member_overrides "
                        + "WHERE channel_id IS NULL OR channel_id = :channel "
                        + "ORDER BY account_id, CASE WHEN channel_id IS NULL THEN 0 ELSE 1 END, id")
                .bindByType("channel", channel.value(), UUID.class)
                .map((rs, ctx) -> Map.entry(rs.getString("account_id"), override(rs, ctx)))
                .forEach(e -> byAccount
                        .computeIfAbsent(e.getKey(), a -> new ArrayList<>())
                        .add(e.getValue()));
        return byAccount;
    }

    private static MemberOverride override(java.sql.ResultSet rs, org.jdbi.v3.core.statement.StatementContext ctx)
            throws java.sql.SQLException {
        return new MemberOverride(
                rs.getLong("id"),
                channel(rs, ctx),
                grant(rs, "can_read"),
                grant(rs, "can_write"),
                grant(rs, "can_manage"),
                Objects.requireNonNullElse(rs.getString("reason"), ""),
                Instant.ofEpochMilli(rs.getLong("created_at")),
                rs.getObject("expires_at") == null ? null : Instant.ofEpochMilli(rs.getLong("expires_at")));
    }

    private static ChannelId channel(java.sql.ResultSet rs, org.jdbi.v3.core.statement.StatementContext ctx)
            throws java.sql.SQLException {
        UUID id = ctx.findColumnMapperFor(UUID.class).orElseThrow().map(rs, "channel_id", ctx);
        return id == null ? null : new ChannelId(id);
    }

    /** A nullable BOOLEAN; getBoolean plus wasNull, since SQLite's driver maps NULL to false in getObject. */
    private static MemberOverride.Grant grant(java.sql.ResultSet rs, String column) throws java.sql.SQLException {
        boolean value = rs.getBoolean(column);
        return MemberOverride.Grant.of(rs.wasNull() ? null : value);
    }

    /** The override of an account in one scope ({@code channel} empty = community-wide), if any. */
    public static Optional<MemberOverride> find(Handle h, AccountId account, Optional<ChannelId> channel) {
        return listFor(h, account).stream()
                .filter(o -> o.channelId().equals(channel))
                .findFirst();
    }

    /**
     * Sets a mute ({@code can_write = FALSE}) in one scope, replacing whatever override the member
     * had there.
     *
     * @param expiresAt when it ends by itself, or empty for "until lifted"
     */
    public static void mute(
            Handle h,
            AccountId account,
            Optional<ChannelId> channel,
            String reason,
            Actor by,
            Instant now,
            Optional<Instant> expiresAt) {
        delete(h, account, channel);
        h.createUpdate("INSERT INTO member_overrides (account_id, channel_id, can_read, can_write, can_manage, "
                        + "reason, created_by, created_at, expires_at) "
                        + "VALUES (:account, :channel, NULL, FALSE, NULL, :reason, :by, :now, :expires)")
                .bind("account", account.toString())
                .bindByType("channel", channel.map(ChannelId::value).orElse(null), UUID.class)
                .bind("reason", reason.isEmpty() ? null : reason)
                .bind("by", by.account().map(AccountId::toString).orElse(null))
                .bind("now", now)
                .bindByType("expires", expiresAt.orElse(null), Instant.class)
                .execute();
    }

    /** Deletes the override of one scope; returns whether there was one. */
    public static boolean delete(Handle h, AccountId account, Optional<ChannelId> channel) {
        return h.createUpdate("DELETE FROM member_overrides WHERE account_id = :account AND "
                                + (channel.isPresent() ? "channel_id = :channel" : "channel_id IS NULL"))
                        .bind("account", account.toString())
                        .bindByType("channel", channel.map(ChannelId::value).orElse(null), UUID.class)
                        .execute()
                > 0;
    }
}
