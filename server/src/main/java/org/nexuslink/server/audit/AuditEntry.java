// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.audit;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.server.permissions.ChannelId;
import org.nexuslink.server.permissions.Actor;

/**
 * One row of the audit log: who ({@code actor}) did what ({@code action}) to whom
 * ({@code target}), where ({@code channel}), when, with details as a JSON object.
 *
 * @param action the stored wire name (kept as text: later features add their own actions)
 * @param target the account acted on, or {@code null}
 * @param channel the channel acted on, or {@code null}
 * @param details a JSON object, {@code "{}"} when there are none
 */
public record AuditEntry(long id, Actor actor, String action, AccountId target, ChannelId channel, String details,
                         Instant at) {
    public AuditEntry {
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(details, "details");
        Objects.requireNonNull(at, "at");
    }

    public Optional<AccountId> targetAccount() {
        return Optional.ofNullable(target);
    }

    public Optional<ChannelId> targetChannel() {
        return Optional.ofNullable(channel);
    }
}
