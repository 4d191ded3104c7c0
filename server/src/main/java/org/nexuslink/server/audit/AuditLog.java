// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.server.auth.Principal;
import org.nexuslink.server.permissions.Actor;
import org.nexuslink.server.permissions.ChannelId;
import org.nexuslink.server.storage.Database;

/**
 * Owns {@code audit_log}: an append-only record of moderation, role and channel actions. Writers
 * append inside the transaction of the action itself, so an action and its entry commit or fail
 * together. There is no update or delete. Thread-safe.
 */
public final class AuditLog {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Database database;
    private final Clock clock;

    public AuditLog(Database database, Clock clock) {
        this.database = Objects.requireNonNull(database, "database");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Appends an entry in the caller's transaction, stamped with the clock's time.
     *
     * @param target the account acted on, if any
     * @param channel the channel acted on, if any
     * @param details JSON-serializable facts (durations, old and new values, reasons)
     */
    public void append(
            Handle h,
            Actor actor,
            AuditAction action,
            Optional<AccountId> target,
            Optional<ChannelId> channel,
            Map<String, ?> details) {
        String json;
        try {
            json = JSON.writeValueAsString(details);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("audit details are not serializable: " + details.keySet(), e);
        }
        h.createUpdate("INSERT INTO audit_log (actor_account, action, target_account, target_channel, details, "
                        + "created_at) VALUES (:actor, :action, :target, :channel, "
                        + database.dialect().jsonValue(":details") + ", :at)")
                .bind("actor", actor.account().map(AccountId::toString).orElse(null))
                .bind("action", action.wireName())
                .bind("target", target.map(AccountId::toString).orElse(null))
                .bindByType("channel", channel.map(ChannelId::value).orElse(null), UUID.class)
                .bind("details", json)
                .bind("at", clock.instant())
                .execute();
    }

    /** One page of entries, newest first, and the cursor of the next page when there is one. */
    public record Page(List<AuditEntry> entries, Optional<Long> nextBefore) {
        public Page {
            entries = List.copyOf(entries);
            Objects.requireNonNull(nextBefore, "nextBefore");
        }
    }

    /** Entries matching the filter, newest first, at most {@code filter.limit()}. */
    public Page read(AuditFilter filter) {
        StringBuilder sql = new StringBuilder("SELECT id, actor_account, action, target_account, target_channel, "
                + "details, created_at FROM audit_log WHERE 1 = 1");
        filter.actor()
                .ifPresent(a -> sql.append(
                        a.account().isPresent() ? " AND actor_account = :actor" : " AND actor_account IS NULL"));
        filter.target().ifPresent(t -> sql.append(" AND target_account = :target"));
        filter.action().ifPresent(a -> sql.append(" AND action = :action"));
        filter.channel().ifPresent(c -> sql.append(" AND target_channel = :channel"));
        filter.since().ifPresent(s -> sql.append(" AND created_at >= :since"));
        filter.beforeId().ifPresent(b -> sql.append(" AND id < :before"));
        sql.append(" ORDER BY id DESC LIMIT :limit");
        return database.jdbi().withHandle(h -> {
            // One more than the page, to know whether another page follows.
            var query = h.createQuery(sql.toString()).bind("limit", filter.limit() + 1);
            filter.actor().flatMap(Actor::account).ifPresent(a -> query.bind("actor", a.toString()));
            filter.target().ifPresent(t -> query.bind("target", t.toString()));
            filter.action().ifPresent(a -> query.bind("action", a));
            filter.channel().ifPresent(c -> query.bind("channel", c.value()));
            filter.since().ifPresent(s -> query.bind("since", s));
            filter.beforeId().ifPresent(b -> query.bind("before", b));
            List<AuditEntry> entries = new ArrayList<>();
            query.map((rs, ctx) -> {
                        String actor = rs.getString("actor_account");
                        String target = rs.getString("target_account");
                        String details = rs.getString("details");
                        return new AuditEntry(
                                rs.getLong("id"),
                                actor == null ? Actor.CONSOLE : Actor.of(Principal.storedAccount(actor)),
                                rs.getString("action"),
                                target == null ? null : Principal.storedAccount(target),
                                channel(ctx.findColumnMapperFor(UUID.class)
                                        .orElseThrow()
                                        .map(rs, "target_channel", ctx)),
                                details == null ? "{}" : details,
                                Instant.ofEpochMilli(rs.getLong("created_at")));
                    })
                    .forEach(entries::add);
            if (entries.size() <= filter.limit()) {
                return new Page(entries, Optional.empty());
            }
            List<AuditEntry> page = entries.subList(0, filter.limit());
            return new Page(page, Optional.of(page.get(page.size() - 1).id()));
        });
    }

    private static ChannelId channel(UUID id) {
        return id == null ? null : new ChannelId(id);
    }
}
