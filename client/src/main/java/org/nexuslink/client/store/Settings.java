// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.store;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Sealed key/value settings of the profile: prekey id counters, rotation times, per-server
 * device sessions, sender-key distribution bookkeeping. Keys and values are sealed; rows are
 * found by the key's blind index. Thread-safe; group related writes with
 * {@link ProfileStore#transaction(Runnable)}.
 */
public final class Settings {
    private final SealedMap table;

    Settings(StoreDatabase db) {
        this.table = SealedMap.cached(db, "settings", SealedMap.CACHED_ROWS);
    }

    public Optional<byte[]> get(String key) {
        return table.get(key(key)).map(byte[]::clone);
    }

    public void put(String key, byte[] value) {
        Objects.requireNonNull(value, "value");
        table.put(key(key), value.clone());
    }

    public void delete(String key) {
        table.delete(key(key));
    }

    /** The keys that start with {@code prefix} (unsealing every row: for rare housekeeping only). */
    List<String> keysStartingWith(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        List<String> keys = new ArrayList<>();
        for (SealedMap.Entry entry : table.entries()) {
            String key = new String(entry.key(), StandardCharsets.UTF_8);
            if (key.startsWith(prefix)) {
                keys.add(key);
            }
        }
        return keys;
    }

    /**
     * The number stored under {@code key} with {@link #putLong}, or {@code dflt}.
     *
     * @throws StoreException if the key holds a value that is not a number
     */
    public long getLong(String key, long dflt) {
        return get(key).map(v -> {
                    RowCodec.Reader in = new RowCodec.Reader(v, "number setting " + key);
                    long value = in.i64();
                    in.end();
                    return value;
                })
                .orElse(dflt);
    }

    public void putLong(String key, long value) {
        put(key, new RowCodec.Writer().i64(value).toBytes());
    }

    private static byte[] key(String key) {
        Objects.requireNonNull(key, "key");
        if (key.isEmpty()) {
            throw new IllegalArgumentException("a setting key is not empty");
        }
        return key.getBytes(StandardCharsets.UTF_8);
    }
}
