// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.audit;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.server.permissions.Actor;
import org.nexuslink.server.permissions.ChannelId;

/**
 * One row of the audit log: who ({@code actor}) did what ({@code action}) to whom, where, when,
 * with details as a JSON object. Immutable; read by {@link AuditLog}.
 */
public final class AuditEntry {
    private final long id;
    private final Actor actor;
    private final String action;
    private final AccountId target; // null: no account acted on
    private final ChannelId channel; // null: no channel acted on
    private final String details;
    private final Instant at;

    AuditEntry(long id, Actor actor, String action, AccountId target, ChannelId channel, String details, Instant at) {
        this.id = id;
        this.actor = Objects.requireNonNull(actor, "actor");
        this.action = Objects.requireNonNull(action, "action");
        this.target = target;
        this.channel = channel;
        this.details = Objects.requireNonNull(details, "details");
        this.at = Objects.requireNonNull(at, "at");
    }

    public long id() {
        return id;
    }

    public Actor actor() {
        return actor;
    }

    /** The stored wire name (kept as text: later features add their own actions). */
    public String action() {
        return action;
    }

    public Optional<AccountId> targetAccount() {
        return Optional.ofNullable(target);
    }

    public Optional<ChannelId> targetChannel() {
        return Optional.ofNullable(channel);
    }

    /** A JSON object, {@code {}} when there are none. */
    public String details() {
        return details;
    }

    public Instant at() {
        return at;
    }

    @Override
    public String toString() {
        return "AuditEntry[" + id + ", " + actor + " " + action + "]";
    }
}
