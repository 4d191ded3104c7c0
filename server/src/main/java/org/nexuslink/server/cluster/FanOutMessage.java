// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.cluster;

import java.util.List;
import java.util.Objects;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.protocol.MessageId;
import org.nexuslink.protocol.Notice;
import org.nexuslink.server.auth.Principal;
import org.nexuslink.server.permissions.ChannelId;

/**
 * What one node tells the others so that their connections get what its own got. Messages carry
 * ids of what is already stored (the receiving node reads the rest from the shared database) and
 * never content: the server has no plaintext, and even ciphertext stays out of Redis.
 */
public sealed interface FanOutMessage {

    /** Direct-message entries were committed for a device: push what it has not been pushed yet. */
    record DirectQueued(Principal device, List<Long> entries) implements FanOutMessage {
        public DirectQueued {
            Objects.requireNonNull(device, "device");
            entries = List.copyOf(entries);
        }
    }

    /** A channel event was stored: push it to the channel's readers. */
    record EventStored(ChannelId channel, MessageId mid) implements FanOutMessage {
        public EventStored {
            Objects.requireNonNull(channel, "channel");
            Objects.requireNonNull(mid, "mid");
        }
    }

    /** A moderator deleted a channel event's content: send readers {@code event_deleted}. */
    record EventDeleted(ChannelId channel, MessageId mid) implements FanOutMessage {
        public EventDeleted {
            Objects.requireNonNull(channel, "channel");
            Objects.requireNonNull(mid, "mid");
        }
    }

    /** A notice for one device (such as {@code prekeys_low}). */
    record DeviceNotice(Principal device, Notice notice) implements FanOutMessage {
        public DeviceNotice {
            Objects.requireNonNull(device, "device");
            Objects.requireNonNull(notice, "notice");
        }
    }

    /** A device was removed: tell its account's devices and close its sockets (4001). */
    record DeviceRemoved(Principal device) implements FanOutMessage {
        public DeviceRemoved {
            Objects.requireNonNull(device, "device");
        }
    }

    /**
     * A node is back on Redis after losing it: what it published meanwhile was dropped, so every
     * node resyncs its devices.
     */
    record Resync() implements FanOutMessage {}

    /** An account was banned or removed, or left: close its sockets (4001) with the reason. */
    record AccountClosed(AccountId account, String reason) implements FanOutMessage {
        public AccountClosed {
            Objects.requireNonNull(account, "account");
            Objects.requireNonNull(reason, "reason");
        }
    }
}
