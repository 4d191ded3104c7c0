// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.permissions;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * One {@code member_overrides} row: an exception to a member's role permissions in one channel or
 * community-wide. A mute is {@code write = DENY}. An override whose expiry has passed counts for
 * nothing, so a timed mute ends by itself.
 *
 * @param channel the channel, or {@code null} for a community-wide override (stored as NULL)
 */
public record MemberOverride(long id, ChannelId channel, Grant read, Grant write, Grant manage, String reason,
                             String createdBy, Instant createdAt, Instant expiresAt) {
    /** A tri-state column: NULL inherits the role's value, TRUE grants, FALSE denies. */
    public enum Grant {
        INHERIT,
        ALLOW,
        DENY;

        static Grant of(Boolean stored) {
            return stored == null ? INHERIT : stored ? ALLOW : DENY;
        }

        Boolean stored() {
            return switch (this) {
                case INHERIT -> null;
                case ALLOW -> Boolean.TRUE;
                case DENY -> Boolean.FALSE;
            };
        }
    }

    public MemberOverride {
        Objects.requireNonNull(read, "read");
        Objects.requireNonNull(write, "write");
        Objects.requireNonNull(manage, "manage");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(createdBy, "createdBy");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** The channel, or empty for a community-wide override. */
    public Optional<ChannelId> channelId() {
        return Optional.ofNullable(channel);
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
}
