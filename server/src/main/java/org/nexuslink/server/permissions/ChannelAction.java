// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.permissions;

import java.util.Locale;

/**
 * What a member may do in a channel, one per {@code channel_permissions} flag: read its events and
 * details, write (send events; speak in a voice channel), manage (settings, private member list,
 * archive).
 */
public enum ChannelAction {
    READ,
    WRITE,
    MANAGE;

    /** The lower-case name used in messages and docs. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
