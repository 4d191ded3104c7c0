// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.protocol;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Body of {@code notice}: the server tells a connected device something about its own state
 * that it must act on, such as {@code prekeys_low} (upload more one-time prekeys) or
 * {@code device_removed} (this connection is about to close). docs/protocol.md lists the types
 * and the form of each one's detail.
 *
 * @param type a snake_case notice type; clients ignore types they do not know
 * @param detail type-specific text, {@code key=value} pairs separated by commas; may be empty
 */
public record Notice(String type, String detail) implements Body {
    /** The device's one-time prekey stock fell below the server's threshold. */
    public static final String PREKEYS_LOW = "prekeys_low";
    /** A device of the account was removed; if it is this one, the connection closes next. */
    public static final String DEVICE_REMOVED = "device_removed";
    /** A moderator deleted a channel event's content; the detail names its {@code cid} (hex) and {@code mid}. */
    public static final String EVENT_DELETED = "event_deleted";
    /**
     * Pushes may have been missed (the server's nodes lost each other for a while): catch up every
     * channel by cursor. Queued direct messages are pushed again by the server itself.
     */
    public static final String RESYNC = "resync";
    /**
     * Every direct message queued for this device when it connected has been pushed (sent once
     * per connection, right after them); later ones are pushed as they come.
     */
    public static final String QUEUE_EMPTY = "queue_empty";

    private static final Pattern TYPE = Pattern.compile("[a-z][a-z0-9_]{0,63}");

    /** Validates the type's shape. */
    public Notice {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(detail, "detail");
        if (!TYPE.matcher(type).matches()) {
            throw new IllegalArgumentException(
                    "notice type must be snake_case, at most 64 characters, got '" + type + "'");
        }
    }
}
