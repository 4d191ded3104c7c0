// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.permissions;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One {@code member_overrides} row: an exception to a member's role permissions in one channel or
 * community-wide. A mute is {@code write = DENY}. An override whose expiry has passed counts for
 * nothing, so a timed mute ends by itself. Immutable; read by {@link OverrideStore}.
 */
public final class MemberOverride {
    /** A tri-state column: NULL inherits the role's value, TRUE grants, FALSE denies. */
    public enum Grant {
        INHERIT,
        ALLOW,
        DENY;

        static Grant of(Boolean stored) {
            return stored == null ? INHERIT : stored ? ALLOW : DENY;
        }
    }

    private final long id;
    private final ChannelId channel; // null: community-wide
    private final Grant read;
    private final Grant write;
    private final Grant manage;
    private final String reason;
    private final Instant createdAt;
    private final Instant expiresAt; // null: until lifted

    MemberOverride(
            long id,
            ChannelId channel,
            Grant read,
            Grant write,
            Grant manage,
            String reason,
            Instant createdAt,
            Instant expiresAt) {
        this.id = id;
        this.channel = channel;
        this.read = Objects.requireNonNull(read, "read");
        this.write = Objects.requireNonNull(write, "write");
        this.manage = Objects.requireNonNull(manage, "manage");
        this.reason = Objects.requireNonNull(reason, "reason");
        this.createdAt = Objects.requireNonNull(createdAt, "createdAt");
        this.expiresAt = expiresAt;
    }

    public long id() {
        return id;
    }

    /** The channel, or empty for a community-wide override. */
    public Optional<ChannelId> channelId() {
        return Optional.ofNullable(channel);
    }

    public Grant write() {
        return write;
    }

    /** Why it was set, empty when no reason was given. */
    public String reason() {
        return reason;
    }

    public Instant createdAt() {
        return createdAt;
    }

    /** When it ends, or empty when it lasts until lifted. */
    public Optional<Instant> expiry() {
        return Optional.ofNullable(expiresAt);
    }

    /** Whether it still counts at {@code now}. */
    public boolean activeAt(Instant now) {
        return expiresAt == null || now.isBefore(expiresAt);
    }

    /** The grant for one action. */
    public Grant grant(ChannelAction action) {
        return switch (action) {
            case READ -> read;
            case WRITE -> write;
            case MANAGE -> manage;
        };
    }

    /** Where it applies, for messages: "community-wide" or "in channel ...". */
    public String scope() {
        return channel == null ? "community-wide" : "in channel " + channel;
    }

    @Override
    public String toString() {
        return "MemberOverride[" + id + ", " + scope() + ", read=" + read + ", write=" + write + ", manage=" + manage
                + expiry().map(t -> ", until " + t).orElse("") + "]";
    }
}
