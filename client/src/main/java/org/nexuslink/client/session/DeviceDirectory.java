// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.session;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.nexuslink.client.store.Settings;

/**
 * The devices this client believes each account has, learned from bundles, from the server's
 * {@code stale_devices} answers and from incoming messages; kept (sealed) in the profile's
 * settings so a restart does not refetch bundles. Thread-safe as far as {@link Settings} is.
 */
final class DeviceDirectory {
    private static final String PREFIX = "devices:";

    private final Settings settings;

    DeviceDirectory(Settings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    Set<Integer> devices(String account) {
        return settings.get(PREFIX + account)
                .map(bytes -> new String(bytes, StandardCharsets.UTF_8))
                .filter(text -> !text.isEmpty())
                .map(text -> Arrays.stream(text.split(",")).map(Integer::valueOf)
                        .collect(Collectors.toCollection(TreeSet::new)))
                .orElseGet(TreeSet::new);
    }

    void add(String account, int device) {
        Set<Integer> devices = devices(account);
        if (devices.add(device)) {
            put(account, devices);
        }
    }

    void remove(String account, int device) {
        Set<Integer> devices = devices(account);
        if (devices.remove(device)) {
            put(account, devices);
        }
    }

    void replace(String account, Set<Integer> devices) {
        put(account, new TreeSet<>(devices));
    }

    private void put(String account, Set<Integer> devices) {
        settings.put(PREFIX + account, devices.stream().map(String::valueOf).collect(Collectors.joining(","))
                .getBytes(StandardCharsets.UTF_8));
    }
}
