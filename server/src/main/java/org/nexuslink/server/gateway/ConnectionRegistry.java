// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.gateway;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.protocol.Command;
import org.nexuslink.protocol.Notice;
import org.nexuslink.server.auth.Principal;

/**
 * The live connections of this node, by device. A device may hold several connections (a
 * reconnect racing the old one's close). Thread-safe: the maps are concurrent and a device's set
 * is replaced atomically through {@link ConcurrentHashMap#compute}.
 */
public final class ConnectionRegistry {
    private final Map<Principal, Set<Connection>> byDevice = new ConcurrentHashMap<>();
    private final AtomicInteger count = new AtomicInteger();

    void add(Connection connection) {
        byDevice.computeIfAbsent(connection.principal(), p -> ConcurrentHashMap.newKeySet())
                .add(connection);
        count.incrementAndGet();
    }

    void remove(Connection connection) {
        byDevice.computeIfPresent(connection.principal(), (p, set) -> {
            if (set.remove(connection)) {
                count.decrementAndGet();
            }
            return set.isEmpty() ? null : set;
        });
    }

    /** Live connections on this node. */
    public int size() {
        return count.get();
    }

    /** The connections of one device. */
    public List<Connection> of(Principal device) {
        return List.copyOf(byDevice.getOrDefault(device, Set.of()));
    }

    /** Every live connection on this node. */
    public List<Connection> all() {
        return byDevice.values().stream().flatMap(Set::stream).toList();
    }

    /** The connections of every device of an account. */
    public List<Connection> ofAccount(AccountId account) {
        return byDevice.entrySet().stream()
                .filter(e -> e.getKey().account().equals(account))
                .flatMap(e -> e.getValue().stream())
                .toList();
    }

    /** Sends a notice to every connection of one device. */
    public void notice(Principal device, Notice notice) {
        Objects.requireNonNull(notice, "notice");
        of(device).forEach(c -> c.push(Command.NOTICE, notice));
    }
}
