// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.permissions;

import java.util.Locale;
import java.util.Optional;

/**
 * The kinds of channel (seed 000): {@code text}, {@code announcement} (only admins and moderators
 * write by default) and {@code voice} (listed and permissioned like the others; this server
 * carries no media transport for it).
 */
public enum ChannelType {
    TEXT,
    ANNOUNCEMENT,
    VOICE;

    /** The lower-case name used on the wire and in the database. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The type with this wire name, if any. */
    public static Optional<ChannelType> fromWire(String name) {
        for (ChannelType type : values()) {
            if (type.wireName().equals(name)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }
}
