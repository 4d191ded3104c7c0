// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.app;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.nexuslink.client.NexusClient;
import org.nexuslink.protocol.api.ChannelsApi;

/**
 * The channels this account may manage, where it may revoke anyone's message, as the community
 * listed them last. Only whether the page offers the revoke button depends on it: the server
 * decides each revoke, so a list a minute old costs at most a refused click or a missing button.
 */
final class ManagedChannels {
    /** How long a listing answers before the next question asks the community again. */
    static final Duration FRESH = Duration.ofMinutes(1);

    private final Clock clock;
    private Set<String> ids = Set.of(); // guarded by this
    private Instant listedAt = Instant.MIN; // guarded by this

    ManagedChannels(Clock clock) {
        this.clock = clock;
    }

    /** Records what a channel listing says; every listing the app asks for passes through here. */
    synchronized void listed(List<ChannelsApi.ChannelView> channels) {
        ids = channels.stream()
                .filter(c -> c.access() != null && c.access().canManage())
                .map(ChannelsApi.ChannelView::id)
                .collect(Collectors.toUnmodifiableSet());
        listedAt = clock.instant();
    }

    /**
     * Whether this account may manage {@code channelId}: from the last listing while it is fresh,
     * else from a new one. Without a connection the last listing answers (none: no channel).
     */
    boolean manages(NexusClient client, String channelId) {
        if (stale() && client.community().isPresent()) {
            try {
                listed(client.channels().channels());
            } catch (IOException | RuntimeException e) {
                // Offline or refused: the last listing stands; the button is a convenience.
            }
        }
        synchronized (this) {
            return ids.contains(channelId);
        }
    }

    private synchronized boolean stale() {
        return listedAt.plus(FRESH).isBefore(clock.instant());
    }
}
