// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.permissions;

import org.nexuslink.server.accounts.Role;

/**
 * One {@code channel_permissions} row: what a role may do in a channel.
 *
 * @param read may read the channel
 * @param write may write in it
 * @param manage may change its settings and private member list, and archive it
 */
public record RolePermissions(boolean read, boolean write, boolean manage) {
    /** Everything: what an admin always has, whatever the row says. */
    public static final RolePermissions ALL = new RolePermissions(true, true, true);

    /**
     * The row a new channel of {@code type} gets for {@code role}: admins and moderators read,
     * write and manage every type; members read every type and write in text and voice channels,
     * not in announcement channels.
     */
    public static RolePermissions defaults(ChannelType type, Role role) {
        return switch (role) {
            case ADMIN, MODERATOR -> ALL;
            case MEMBER ->
                switch (type) {
                    case TEXT, VOICE -> new RolePermissions(true, true, false);
                    case ANNOUNCEMENT -> new RolePermissions(true, false, false);
                };
        };
    }

    /** The flag for one action. */
    public boolean allows(ChannelAction action) {
        return switch (action) {
            case READ -> read;
            case WRITE -> write;
            case MANAGE -> manage;
        };
    }
}
