// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.session;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.nexuslink.client.store.Settings;

/**
 * The devices this client believes each account has, learned from bundles, from the server's
 * {@code stale_devices} answers and from incoming messages; and the device keys each account's
 * identity key revoked, learned from verified revocations and never forgotten (so a server that
 * later hides a revocation cannot bring the device back). Both are kept (sealed) in the profile's
 * settings so a restart does not refetch bundles. Revocations are also cached in memory: senders
 * and receivers ask on every message, and they only ever grow (each was verified before it was
 * added, so keeping one whose transaction rolled back is still true). Thread-safe as far as
 * {@link Settings} is; the cache is a concurrent map.
 */
final class DeviceDirectory {
    private static final String PREFIX = "devices:";
    private static final String REVOKED_PREFIX = "revoked:";
    private static final HexFormat HEX = HexFormat.of();

    private final Settings settings;
    /** Per account: "device:hexkey" of each revoked device key. */
    private final Map<String, Set<String>> revoked = new ConcurrentHashMap<>();

    DeviceDirectory(Settings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    Set<Integer> devices(String account) {
        return settings.get(PREFIX + account)
                .map(bytes -> new String(bytes, StandardCharsets.UTF_8))
                .filter(text -> !text.isEmpty())
                .map(text -> Arrays.stream(text.split(","))
                        .map(Integer::valueOf)
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

    /** Records that the account's identity key revoked this device key (the caller verified it). */
    void revoke(String account, int device, byte[] deviceKey) {
        Set<String> known = revoked(account);
        String entry = device + ":" + HEX.formatHex(deviceKey);
        if (!known.contains(entry)) {
            Set<String> more = new TreeSet<>(known);
            more.add(entry);
            settings.put(REVOKED_PREFIX + account, String.join(",", more).getBytes(StandardCharsets.UTF_8));
            revoked.put(account, Set.copyOf(more));
        }
    }

    /** Whether a verified revocation of this account covers the device id and key. */
    boolean isRevoked(String account, int device, byte[] deviceKey) {
        Set<String> known = revoked(account);
        return !known.isEmpty() && known.contains(device + ":" + HEX.formatHex(deviceKey));
    }

    private Set<String> revoked(String account) {
        return revoked.computeIfAbsent(
                account,
                a -> settings.get(REVOKED_PREFIX + a)
                        .map(bytes -> new String(bytes, StandardCharsets.UTF_8))
                        .filter(text -> !text.isEmpty())
                        .map(text -> Set.of(text.split(",")))
                        .orElse(Set.of()));
    }

    private void put(String account, Set<Integer> devices) {
        settings.put(
                PREFIX + account,
                devices.stream()
                        .map(String::valueOf)
                        .collect(Collectors.joining(","))
                        .getBytes(StandardCharsets.UTF_8));
    }
}
