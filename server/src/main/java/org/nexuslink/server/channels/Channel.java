// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.channels;

import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.server.accounts.Role;
import org.nexuslink.server.permissions.ChannelId;
import org.nexuslink.server.permissions.ChannelType;
import org.nexuslink.server.permissions.RolePermissions;
import org.nexuslink.server.permissions.SpeakingCondition;

/**
 * A channel with its role permissions and speaking conditions.
 *
 * @param createdBy the creator, or {@code null} when it was the console or the creator is gone
 * @param permissions one row per role, every role present
 */
public record Channel(ChannelId id, String name, ChannelType type, String description, boolean isPrivate,
                      boolean archived, AccountId createdBy, Instant createdAt, Map<Role, RolePermissions> permissions,
                      List<SpeakingCondition> conditions) {
    /** The longest name. */
    public static final int MAX_NAME = 100;
    /** The longest description. */
    public static final int MAX_DESCRIPTION = 2000;

    public Channel {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(createdAt, "createdAt");
        if (name.isBlank() || name.length() > MAX_NAME || !name.equals(name.strip())) {
            throw new IllegalArgumentException("name must have 1-" + MAX_NAME
                    + " characters without leading or trailing spaces, got '" + name + "'");
        }
        if (description.length() > MAX_DESCRIPTION) {
            throw new IllegalArgumentException("description has at most " + MAX_DESCRIPTION + " characters");
        }
        EnumMap<Role, RolePermissions> rows = new EnumMap<>(Role.class);
        rows.putAll(permissions);
        for (Role role : Role.values()) {
            if (!rows.containsKey(role)) {
                throw new IllegalArgumentException("permissions lack role " + role.wireName());
            }
        }
        if (!rows.get(Role.ADMIN).equals(RolePermissions.ALL)) {
            throw new IllegalArgumentException("admins always read, write and manage; their permissions cannot be changed");
        }
        permissions = Map.copyOf(rows);
        conditions = List.copyOf(conditions);
        if (conditions.stream().map(SpeakingCondition::kind).distinct().count() != conditions.size()) {
            throw new IllegalArgumentException("at most one speaking condition of each type");
        }
    }

    /** The default role rows of a channel type. */
    public static Map<Role, RolePermissions> defaultPermissions(ChannelType type) {
        EnumMap<Role, RolePermissions> rows = new EnumMap<>(Role.class);
        for (Role role : Role.values()) {
            rows.put(role, RolePermissions.defaults(type, role));
        }
        return rows;
    }

    public Optional<AccountId> creator() {
        return Optional.ofNullable(createdBy);
    }
}
