// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.channels;

import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.server.accounts.Role;
import org.nexuslink.server.permissions.ChannelId;
import org.nexuslink.server.permissions.ChannelType;
import org.nexuslink.server.permissions.RolePermissions;
import org.nexuslink.server.permissions.SpeakingCondition;

/**
 * A channel with its role permissions and speaking conditions. Immutable; the constructor
 * validates (name, description length, a row for every role, admins unrestricted, at most one
 * condition of each kind) with an {@link IllegalArgumentException} naming the problem.
 */
public final class Channel {
    /** The longest name. */
    public static final int MAX_NAME = 100;
    /** The longest description. */
    public static final int MAX_DESCRIPTION = 2000;

    private final ChannelId id;
    private final String name;
    private final ChannelType type;
    private final String description;
    private final boolean isPrivate;
    private final boolean archived;
    private final AccountId createdBy; // null: created from the console, or the creator is gone
    private final Instant createdAt;
    private final Map<Role, RolePermissions> permissions;
    private final List<SpeakingCondition> conditions;

    Channel(
            ChannelId id,
            String name,
            ChannelType type,
            String description,
            boolean isPrivate,
            boolean archived,
            AccountId createdBy,
            Instant createdAt,
            Map<Role, RolePermissions> permissions,
            List<SpeakingCondition> conditions) {
        this.id = Objects.requireNonNull(id, "id");
        this.name = Objects.requireNonNull(name, "name");
        this.type = Objects.requireNonNull(type, "type");
        this.description = Objects.requireNonNull(description, "description");
        this.isPrivate = isPrivate;
        this.archived = archived;
        this.createdBy = createdBy;
        this.createdAt = Objects.requireNonNull(createdAt, "createdAt");
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
            throw new IllegalArgumentException(
                    "admins always read, write and manage; their permissions cannot be changed");
        }
        this.permissions = Map.copyOf(rows);
        this.conditions = List.copyOf(conditions);
        if (this.conditions.stream().map(SpeakingCondition::kind).distinct().count() != this.conditions.size()) {
            throw new IllegalArgumentException("at most one speaking condition of each type");
        }
    }

    /**
     * A channel to create: {@link ChannelService#create} gives it its id, creator and time.
     *
     * @throws IllegalArgumentException for a bad name, description, role rows or conditions
     */
    public static Channel draft(
            String name,
            ChannelType type,
            String description,
            boolean isPrivate,
            Map<Role, RolePermissions> permissions,
            List<SpeakingCondition> conditions) {
        return new Channel(
                ChannelId.random(),
                name,
                type,
                description,
                isPrivate,
                false,
                null,
                Instant.EPOCH,
                permissions,
                conditions);
    }

    /**
     * This channel with other settings; id, type, creator and creation time stay.
     *
     * @throws IllegalArgumentException for a bad value, as the constructor
     */
    public Channel withSettings(
            String name,
            String description,
            boolean isPrivate,
            boolean archived,
            Map<Role, RolePermissions> permissions,
            List<SpeakingCondition> conditions) {
        return new Channel(
                id, name, type, description, isPrivate, archived, createdBy, createdAt, permissions, conditions);
    }

    /** The default role rows of a channel type. */
    public static Map<Role, RolePermissions> defaultPermissions(ChannelType type) {
        EnumMap<Role, RolePermissions> rows = new EnumMap<>(Role.class);
        for (Role role : Role.values()) {
            rows.put(role, RolePermissions.defaults(type, role));
        }
        return rows;
    }

    public ChannelId id() {
        return id;
    }

    public String name() {
        return name;
    }

    public ChannelType type() {
        return type;
    }

    /** The description, empty when there is none. */
    public String description() {
        return description;
    }

    public boolean isPrivate() {
        return isPrivate;
    }

    public boolean archived() {
        return archived;
    }

    /** Who created it, unless that was the console or the creator has left. */
    public Optional<AccountId> creator() {
        return Optional.ofNullable(createdBy);
    }

    public Instant createdAt() {
        return createdAt;
    }

    /** One row per role. */
    public Map<Role, RolePermissions> permissions() {
        return permissions;
    }

    public List<SpeakingCondition> conditions() {
        return conditions;
    }

    @Override
    public String toString() {
        return "Channel[" + id + ", " + name + ", " + type.wireName() + (isPrivate ? ", private" : "")
                + (archived ? ", archived" : "") + "]";
    }
}
