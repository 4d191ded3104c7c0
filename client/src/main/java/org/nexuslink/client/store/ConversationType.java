// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.store;

/** What a conversation is: one to one, or a community channel. */
public enum ConversationType {
    /** Direct messages with one account; id {@code "dm:" + accountId}. */
    DIRECT("dm:"),
    /** A channel; id {@code "ch:" + channelUuid}. */
    CHANNEL("ch:");

    private final String prefix;

    ConversationType(String prefix) {
        this.prefix = prefix;
    }

    /** The prefix of this type's conversation ids. */
    public String prefix() {
        return prefix;
    }
}
