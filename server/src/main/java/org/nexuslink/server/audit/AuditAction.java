// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.audit;

import java.util.Locale;
import java.util.Optional;

/** The moderation, role and channel actions the audit log records ({@code audit_log.action}). */
public enum AuditAction {
    BAN,
    UNBAN,
    MUTE,
    UNMUTE,
    KICK,
    LEAVE,
    ROLE_CHANGE,
    CHANNEL_CREATE,
    CHANNEL_UPDATE,
    CHANNEL_ARCHIVE,
    CHANNEL_UNARCHIVE,
    CHANNEL_DELETE,
    CHANNEL_MEMBER_ADD,
    CHANNEL_MEMBER_REMOVE,
    /** A moderator or admin deleted another member's media file. */
    MEDIA_DELETE,
    /** A moderator or admin deleted a channel event's content (seed 000's {@code delete}); its tombstone stays. */
    DELETE;

    /** The lower-case name stored and shown. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The action with this wire name, if any. */
    public static Optional<AuditAction> fromWire(String name) {
        for (AuditAction action : values()) {
            if (action.wireName().equals(name)) {
                return Optional.of(action);
            }
        }
        return Optional.empty();
    }
}
