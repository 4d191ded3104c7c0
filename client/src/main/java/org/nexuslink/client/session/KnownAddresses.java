// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.session;

import java.util.LinkedHashMap;
import java.util.Map;
import org.signal.libsignal.protocol.SignalProtocolAddress;

/**
 * The libsignal addresses of the devices messages came from lately, most recently used kept.
 * Each address is a native object, too costly to build again for every message of a batch from
 * one device. Not thread-safe: each messenger keeps its own,
 * used on the client's worker thread.
 */
final class KnownAddresses {
    private final Map<Device, SignalProtocolAddress> kept;

    private record Device(String account, int device) {}

    KnownAddresses(int capacity) {
        this.kept = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Device, SignalProtocolAddress> eldest) {
                return size() > capacity;
            }
        };
    }

    SignalProtocolAddress of(String account, int device) {
        return kept.computeIfAbsent(
                new Device(account, device), d -> new SignalProtocolAddress(d.account(), d.device()));
    }
}
