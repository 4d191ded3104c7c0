// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.accounts;

import java.util.Locale;
import java.util.Optional;

/** A member's role in the community (seed 000): admin, moderator or member. */
public enum Role {
    ADMIN,
    MODERATOR,
    MEMBER;

    /** The lower-case name used on the wire and in the database. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The role with this wire name, if any. */
    public static Optional<Role> fromWire(String name) {
        for (Role role : values()) {
            if (role.wireName().equals(name)) {
                return Optional.of(role);
            }
        }
        return Optional.empty();
    }
}
