// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.protocol;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The {@code ext} map of an envelope or event: integer keys to values this version does not
 * interpret. Decoders keep it verbatim and encoders write it back, so extensions survive relays
 * that predate them.
 *
 * @param entries keys 0 to {@value #MAX_KEY} in ascending order; an unmodifiable copy
 */
public record Extensions(SortedMap<Integer, RawValue> entries) {

    /** Largest extension key. */
    public static final int MAX_KEY = 0xFFFF;

    /**
     * Event extension {@code 1}, {@code author}: the account that sent a stored channel event (a
     * string), set by the server from the sender's authentication; a client's value is replaced.
     */
    public static final int AUTHOR = 1;

    /** Event extension {@code 2}, {@code author_device}: the device that sent it (a uint), set like {@link #AUTHOR}. */
    public static final int AUTHOR_DEVICE = 2;

    /** No extensions; encoders omit the field. */
    public static final Extensions EMPTY = new Extensions(new TreeMap<>());

    /** Copies the entries and validates the keys. */
    public Extensions {
        Objects.requireNonNull(entries, "entries");
        TreeMap<Integer, RawValue> copy = new TreeMap<>();
        for (Map.Entry<Integer, RawValue> e : entries.entrySet()) {
            int key = Objects.requireNonNull(e.getKey(), "extension key");
            if (key < 0 || key > MAX_KEY) {
                throw new IllegalArgumentException("extension key must be 0 to " + MAX_KEY + ", got " + key);
            }
            copy.put(key, Objects.requireNonNull(e.getValue(), "extension value"));
        }
        entries = Collections.unmodifiableSortedMap(copy);
    }

    /** Returns extensions holding the given entries. */
    public static Extensions of(Map<Integer, RawValue> entries) {
        return new Extensions(new TreeMap<>(entries));
    }

    /** Returns the value under {@code key}, if any. */
    public Optional<RawValue> get(int key) {
        return Optional.ofNullable(entries.get(key));
    }

    /** Returns these extensions with {@code key} set to {@code value}, replacing any value it had. */
    public Extensions with(int key, RawValue value) {
        TreeMap<Integer, RawValue> copy = new TreeMap<>(entries);
        copy.put(key, Objects.requireNonNull(value, "value"));
        return new Extensions(copy);
    }

    /** Returns true if there are no entries. */
    public boolean isEmpty() {
        return entries.isEmpty();
    }
}
