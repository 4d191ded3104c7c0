// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.protocol.internal;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The entries of one integer-keyed map, each kept as a reader over its value, so fields can be
 * decoded in the order their meaning requires rather than the order they arrived in.
 *
 * <p>Keys must be unsigned integers and must not repeat; keys nobody asks for are ignored.
 */
final class Fields {

    private final String path;
    private final Map<Long, WireReader> entries;

    private Fields(String path, Map<Long, WireReader> entries) {
        this.path = path;
        this.entries = entries;
    }

    /** Reads a map from {@code reader}, naming its fields under {@code path}. */
    static Fields scan(WireReader reader, String path) {
        int size = reader.mapHeader(path);
        Map<Long, WireReader> entries = new HashMap<>();
        for (int i = 0; i < size; i++) {
            if (!reader.nextIsInteger(path)) {
                throw WireReader.invalid(path, "map key must be an unsigned integer, got " + reader.nextTypeName(path));
            }
            long key = reader.uint(path, WireReader.UINT64_MAX);
            if (entries.containsKey(key)) {
                throw WireReader.invalid(path, "duplicate key " + Long.toUnsignedString(key));
            }
            entries.put(key, reader.nextValueOf(path, key));
        }
        return new Fields(path, entries);
    }

    /** Returns a reader over the value under {@code key}, named {@code path.name}, if present. */
    Optional<WireReader> optional(int key, String name) {
        WireReader entry = entries.get((long) key);
        return entry == null ? Optional.empty() : Optional.of(rename(entry, name));
    }

    /** Returns a reader over the value under {@code key}; its absence is an {@code invalid_field}. */
    WireReader required(int key, String name) {
        return optional(key, name)
                .orElseThrow(() -> WireReader.invalid(path + "." + name, "required field " + key + " is missing"));
    }

    /** Returns every entry with the value as a reader, keys in ascending unsigned order. */
    SortedMap<Long, WireReader> all() {
        SortedMap<Long, WireReader> sorted = new TreeMap<>(Long::compareUnsigned);
        sorted.putAll(entries);
        return sorted;
    }

    private WireReader rename(WireReader entry, String name) {
        return entry.withPath(path, name);
    }
}
