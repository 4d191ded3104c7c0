// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.client;

import org.nexuslink.client.store.Settings;
import org.nexuslink.client.store.StoredMessage;

/**
 * Which received messages the inbox has shown, kept (sealed) in the profile's settings. Other
 * commands also receive: {@code send} connects and so stores what waited on the server. The
 * inbox shows every received message once, whichever command stored it.
 */
public final class ShownMarks {
    private static final byte[] SHOWN = {1};
    private final Settings settings;

    public ShownMarks(Settings settings) {
        this.settings = settings;
    }

    public boolean isShown(String conversation, String ref) {
        return settings.get(key(conversation, ref)).isPresent();
    }

    public void markShown(StoredMessage m) {
        settings.put(key(m.conversationId(), m.ref()), SHOWN);
    }

    private static String key(String conversation, String ref) {
        return "cli.shown:" + conversation + ":" + ref;
    }
}
