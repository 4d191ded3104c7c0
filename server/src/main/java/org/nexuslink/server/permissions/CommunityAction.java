// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.permissions;

import java.util.Locale;

/**
 * What a member may do to the community or to another member, outside any one channel. The
 * actions on a member ({@link #targetsMember()}) also depend on the target's role.
 */
public enum CommunityAction {
    CREATE_CHANNEL(false),
    DELETE_CHANNEL(false),
    VIEW_AUDIT(false),
    CHANGE_ROLE(true),
    BAN(true),
    MUTE(true),
    KICK(true);

    private final boolean targetsMember;

    CommunityAction(boolean targetsMember) {
        this.targetsMember = targetsMember;
    }

    /** Whether the action is done to another member (and so depends on that member's role). */
    public boolean targetsMember() {
        return targetsMember;
    }

    /** The lower-case name used in messages and docs. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
