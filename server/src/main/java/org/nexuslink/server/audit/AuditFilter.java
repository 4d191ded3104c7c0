// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.audit;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.server.permissions.Actor;
import org.nexuslink.server.permissions.ChannelId;

/**
 * Which audit entries to read: each criterion narrows, absent ones match everything. Pages go
 * newest first; {@code beforeId} continues after the last entry of the previous page.
 */
public record AuditFilter(
        Optional<Actor> actor,
        Optional<AccountId> target,
        Optional<String> action,
        Optional<ChannelId> channel,
        Optional<Instant> since,
        Optional<Long> beforeId,
        int limit) {
    /** The largest page. */
    public static final int MAX_LIMIT = 500;

    public AuditFilter {
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(since, "since");
        Objects.requireNonNull(beforeId, "beforeId");
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be 1-" + MAX_LIMIT + ", got " + limit);
        }
    }

    /** Everything, newest first, {@code limit} at a time. */
    public static AuditFilter all(int limit) {
        return new AuditFilter(
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                limit);
    }
}
