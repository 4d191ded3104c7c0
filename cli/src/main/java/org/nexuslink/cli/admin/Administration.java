// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.admin;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The operations of {@code nexuslink admin}, done either through a server's REST API
 * ({@link RemoteAdministration}) or on its database ({@link LocalAdministration}). Refusals are
 * {@link AdminFailure}s naming the reason.
 */
interface Administration extends AutoCloseable {
    /** One member as listed. */
    record MemberRow(String account, String displayName, String role, String status, String joinedAt) {}

    /** One channel as listed. */
    record ChannelRow(String id, String name, String type, boolean isPrivate, boolean archived) {}

    /** One audit entry as listed; {@code details} is its JSON text. */
    record AuditRow(long id, String at, String actor, String action, String target, String channel, String details) {}

    /** Which audit entries to show. */
    record AuditQuery(
            Optional<String> actor,
            Optional<String> target,
            Optional<String> action,
            Optional<Instant> since,
            int limit) {}

    List<MemberRow> members();

    MemberRow setRole(String account, String role);

    MemberRow ban(String account, String reason);

    MemberRow unban(String account);

    /** Mutes in one channel or community-wide, for a duration or until lifted; returns when it ends (empty: never). */
    Optional<String> mute(String account, Optional<UUID> channel, Optional<Duration> duration, String reason);

    void unmute(String account, Optional<UUID> channel);

    void kick(String account, String reason);

    List<ChannelRow> channels();

    ChannelRow createChannel(String name, String type, boolean isPrivate, String description);

    ChannelRow archiveChannel(UUID id, boolean archived);

    List<AuditRow> audit(AuditQuery query);

    @Override
    void close();
}
