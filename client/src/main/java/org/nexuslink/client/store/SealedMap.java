// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.store;

import java.nio.ByteBuffer;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One key/value table of the profile store, with nothing in the clear: column {@code idx} is
 * the blind index of the key (the primary key), {@code k} the sealed key (so the table can be
 * listed), {@code v} the sealed value, and the optional {@code grp} the blind index of a value
 * rows are found and deleted by together (all sessions of an account). Keys and values are
 * sealed for their row, so a value moved to another row does not open.
 *
 * <p>A map made with {@link #cached} also keeps up to a given number of decrypted rows in
 * memory, most recently used first, written through: a read of a cached row costs neither a
 * query nor an AES-GCM open, a write still goes to the file in the caller's transaction.
 * {@link StoreDatabase} drops the cache when the file may hold other rows than it does (another
 * process committed, a rollback). Values handed out by {@link #get} are then shared with the
 * cache: callers parse them and must not change them.
 *
 * <p>Thread-safe through {@link StoreDatabase}.
 */
final class SealedMap {
    /** A decrypted row. */
    record Entry(byte[] key, byte[] value) {}

    private final StoreDatabase db;
    private final String table;
    private final String groupDomain;
    private final Map<ByteBuffer, byte[]> cache; // guarded by the database lock; null if not cached

    /** @param table a table of the shape above; a constant from this package, never input */
    SealedMap(StoreDatabase db, String table) {
        this(db, table, 0);
    }

    private SealedMap(StoreDatabase db, String table, int cachedRows) {
        this.db = db;
        this.table = table;
        this.groupDomain = table + "#grp";
        if (cachedRows > 0) {
            this.cache = new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<ByteBuffer, byte[]> eldest) {
                    return size() > cachedRows;
                }
            };
            db.addCache(cache::clear);
        } else {
            this.cache = null;
        }
    }

    /** A map that keeps up to {@code cachedRows} decrypted rows in memory (see the class comment). */
    static SealedMap cached(StoreDatabase db, String table, int cachedRows) {
        if (cachedRows <= 0) {
            throw new IllegalArgumentException("cachedRows must be positive: " + cachedRows);
        }
        return new SealedMap(db, table, cachedRows);
    }

    Optional<byte[]> get(byte[] key) {
        return db.read(c -> {
            if (cache != null) {
                byte[] cached = cache.get(ByteBuffer.wrap(key));
                if (cached != null) {
                    return Optional.of(cached);
                }
            }
            byte[] idx = db.index().of(table, key);
            try (CachedStatement s = db.prepare("SELECT v FROM " + table + " WHERE idx = ?")) {
                s.setBytes(1, idx);
                try (ResultSet r = s.executeQuery()) {
                    if (!r.next()) {
                        return Optional.empty();
                    }
                    byte[] value = db.sealer().open(table, "v", idx, r.getBytes(1));
                    if (cache != null) {
                        cache.put(ByteBuffer.wrap(key.clone()), value);
                    }
                    return Optional.of(value);
                }
            }
        });
    }

    boolean contains(byte[] key) {
        return db.read(c -> {
            if (cache != null && cache.containsKey(ByteBuffer.wrap(key))) {
                return true;
            }
            try (CachedStatement s = db.prepare("SELECT 1 FROM " + table + " WHERE idx = ?")) {
                s.setBytes(1, db.index().of(table, key));
                try (ResultSet r = s.executeQuery()) {
                    return r.next();
                }
            }
        });
    }

    /** Inserts or replaces the row of {@code key}. */
    void put(byte[] key, byte[] value) {
        put(key, null, value);
    }

    /** Inserts or replaces the row of {@code key}, in the group {@code group} (may be null). */
    void put(byte[] key, byte[] group, byte[] value) {
        db.write(c -> {
            byte[] idx = db.index().of(table, key);
            byte[] grp = group == null ? null : db.index().of(groupDomain, group);
            byte[] sealed = db.sealer().seal(table, "v", idx, value);
            // Update first: the common case (a session after each message) then seals and writes
            // only the value; the sealed key is written once, with the row.
            try (CachedStatement s = db.prepare("UPDATE " + table + " SET grp = ?, v = ? WHERE idx = ?")) {
                s.setBytes(1, grp);
                s.setBytes(2, sealed);
                s.setBytes(3, idx);
                if (s.executeUpdate() > 0) {
                    cache(key, value);
                    return null;
                }
            }
            try (CachedStatement s = db.prepare("INSERT INTO " + table + " (idx, grp, k, v) VALUES (?, ?, ?, ?)")) {
                s.setBytes(1, idx);
                s.setBytes(2, grp);
                s.setBytes(3, db.sealer().seal(table, "k", idx, key));
                s.setBytes(4, sealed);
                s.executeUpdate();
            }
            cache(key, value);
            return null;
        });
    }

    /** After the row of {@code key} was written in the open transaction: remember its value. */
    private void cache(byte[] key, byte[] value) {
        if (cache != null) {
            cache.put(ByteBuffer.wrap(key.clone()), value.clone());
        }
    }

    /** Deletes the row of {@code key}; true if there was one. */
    boolean delete(byte[] key) {
        return db.write(c -> {
            if (cache != null) {
                cache.remove(ByteBuffer.wrap(key));
            }
            try (CachedStatement s = db.prepare("DELETE FROM " + table + " WHERE idx = ?")) {
                s.setBytes(1, db.index().of(table, key));
                return s.executeUpdate() > 0;
            }
        });
    }

    /** Deletes every row of {@code group}; returns how many. */
    int deleteGroup(byte[] group) {
        return db.write(c -> {
            if (cache != null) {
                cache.clear(); // rows are not cached by group; a group delete is rare
            }
            try (CachedStatement s = db.prepare("DELETE FROM " + table + " WHERE grp = ?")) {
                s.setBytes(1, db.index().of(groupDomain, group));
                return s.executeUpdate();
            }
        });
    }

    /** Every row. */
    List<Entry> entries() {
        return db.read(c -> {
            try (CachedStatement s = db.prepare("SELECT idx, k, v FROM " + table)) {
                return decrypt(s);
            }
        });
    }

    /** Every row of {@code group}. */
    List<Entry> group(byte[] group) {
        return db.read(c -> {
            try (CachedStatement s = db.prepare("SELECT idx, k, v FROM " + table + " WHERE grp = ?")) {
                s.setBytes(1, db.index().of(groupDomain, group));
                return decrypt(s);
            }
        });
    }

    int count() {
        return db.read(c -> {
            try (CachedStatement s = db.prepare("SELECT count(*) FROM " + table); ResultSet r = s.executeQuery()) {
                r.next();
                return r.getInt(1);
            }
        });
    }

    private List<Entry> decrypt(CachedStatement s) throws SQLException {
        List<Entry> entries = new ArrayList<>();
        try (ResultSet r = s.executeQuery()) {
            while (r.next()) {
                byte[] idx = r.getBytes(1);
                entries.add(new Entry(db.sealer().open(table, "k", idx, r.getBytes(2)), db.sealer().open(table, "v", idx, r.getBytes(3))));
            }
        }
        return entries;
    }
}
