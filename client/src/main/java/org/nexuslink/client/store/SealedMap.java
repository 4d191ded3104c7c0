// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.store;

import java.nio.ByteBuffer;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
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
 * <p>A map made with {@link #cached} works in memory within a transaction and keeps rows
 * between transactions:
 * <ul>
 *   <li>Writes are held until the transaction commits: just before its {@code COMMIT} each key
 *       written is sealed and written once, with its last value (libsignal saves a session after
 *       every message; a batch of messages in one transaction writes each session once).</li>
 *   <li>Up to a given number of decrypted rows stay in memory, most recently used first: a read
 *       of such a row costs neither a query nor an AES-GCM open.</li>
 * </ul>
 * {@link StoreDatabase} drops both when they may differ from the file (a rollback, another
 * process committed) and undoes a rolled-back savepoint's writes. Keys and values handed to
 * {@link #put} and out by {@link #get} are then shared with the map: callers build them fresh and
 * only parse what they get.
 *
 * <p>Thread-safe through {@link StoreDatabase}.
 */
final class SealedMap implements StoreDatabase.TransactionCache {
    /**
     * Rows a cached table keeps between transactions: a session record is about 4 KB, so some
     * 8 MB at most for sessions, enough for every device of a thousand or so active conversations.
     */
    static final int CACHED_ROWS = 2_000;

    /** A decrypted row. */
    record Entry(byte[] key, byte[] value) {}

    /** A write held until the commit. */
    private record Pending(byte[] key, byte[] group, byte[] value) {}

    private final StoreDatabase db;
    private final String table;
    private final String groupDomain;
    // Both guarded by the database lock; null if this map is not cached.
    private final Map<ByteBuffer, byte[]> rows; // as in the file (committed, or flushed in the open transaction)
    private final Map<ByteBuffer, Pending> pending; // written in the open transaction, not yet in the file

    /** @param table a table of the shape above; a constant from this package, never input */
    SealedMap(StoreDatabase db, String table) {
        this(db, table, 0);
    }

    private SealedMap(StoreDatabase db, String table, int cachedRows) {
        this.db = db;
        this.table = table;
        this.groupDomain = table + "#grp";
        if (cachedRows > 0) {
            this.rows = new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<ByteBuffer, byte[]> eldest) {
                    return size() > cachedRows;
                }
            };
            this.pending = new LinkedHashMap<>();
            db.addCache(this);
        } else {
            this.rows = null;
            this.pending = null;
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
            if (rows != null) {
                ByteBuffer k = ByteBuffer.wrap(key);
                Pending written = pending.get(k);
                if (written != null) {
                    return Optional.of(written.value());
                }
                byte[] cached = rows.get(k);
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
                    if (rows != null) {
                        rows.put(ByteBuffer.wrap(key.clone()), value);
                    }
                    return Optional.of(value);
                }
            }
        });
    }

    boolean contains(byte[] key) {
        return db.read(c -> {
            if (rows != null) {
                ByteBuffer k = ByteBuffer.wrap(key);
                if (pending.containsKey(k) || rows.containsKey(k)) {
                    return true;
                }
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
            if (rows != null) {
                pending.put(
                        ByteBuffer.wrap(key), new Pending(key, group, value)); // written by flush(), before the commit
            } else {
                write(key, group, value);
            }
            return null;
        });
    }

    private void write(byte[] key, byte[] group, byte[] value) throws SQLException {
        byte[] idx = db.index().of(table, key);
        byte[] grp = group == null ? null : db.index().of(groupDomain, group);
        byte[] sealed = db.sealer().seal(table, "v", idx, value);
        // Update first: the common case (a session after each message) then seals and writes
        // only the value; the sealed key is written once, with the row. A key keeps its group
        // (a session its account), and SQLite rewrites an index entry whenever an UPDATE assigns
        // one of its columns, same value or not: so the group is assigned only when it changed,
        // which saves a page per commit in the log.
        if (update("UPDATE " + table + " SET v = ? WHERE idx = ? AND grp IS ?", sealed, idx, grp)
                || update("UPDATE " + table + " SET grp = ?, v = ? WHERE idx = ?", grp, sealed, idx)) {
            return;
        }
        try (CachedStatement s = db.prepare("INSERT INTO " + table + " (idx, grp, k, v) VALUES (?, ?, ?, ?)")) {
            s.setBytes(1, idx);
            s.setBytes(2, grp);
            s.setBytes(3, db.sealer().seal(table, "k", idx, key));
            s.setBytes(4, sealed);
            s.executeUpdate();
        }
    }

    /** Runs an {@code UPDATE} with these byte parameters; true if it changed a row. */
    private boolean update(String sql, byte[]... parameters) throws SQLException {
        try (CachedStatement s = db.prepare(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                s.setBytes(i + 1, parameters[i]);
            }
            return s.executeUpdate() > 0;
        }
    }

    /** Deletes the row of {@code key}; true if there was one. */
    boolean delete(byte[] key) {
        return db.write(c -> {
            boolean held = false;
            if (rows != null) {
                ByteBuffer k = ByteBuffer.wrap(key);
                held = pending.remove(k) != null;
                rows.remove(k);
            }
            try (CachedStatement s = db.prepare("DELETE FROM " + table + " WHERE idx = ?")) {
                s.setBytes(1, db.index().of(table, key));
                return s.executeUpdate() > 0 || held;
            }
        });
    }

    /** Deletes every row of {@code group}; returns how many. */
    int deleteGroup(byte[] group) {
        return db.write(c -> {
            flush();
            if (rows != null) {
                rows.clear(); // rows are not kept by group; a group delete is rare
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
            flush();
            try (CachedStatement s = db.prepare("SELECT idx, k, v FROM " + table)) {
                return decrypt(s);
            }
        });
    }

    /** Every row of {@code group}. */
    List<Entry> group(byte[] group) {
        return db.read(c -> {
            flush();
            try (CachedStatement s = db.prepare("SELECT idx, k, v FROM " + table + " WHERE grp = ?")) {
                s.setBytes(1, db.index().of(groupDomain, group));
                return decrypt(s);
            }
        });
    }

    int count() {
        return db.read(c -> {
            flush();
            try (CachedStatement s = db.prepare("SELECT count(*) FROM " + table);
                    ResultSet r = s.executeQuery()) {
                r.next();
                return r.getInt(1);
            }
        });
    }

    // ---- StoreDatabase.TransactionCache, called under the database lock

    /** Writes what the open transaction holds back into the table (before its commit, or a query of the whole table). */
    @Override
    public void flush() throws SQLException {
        if (pending == null || pending.isEmpty()) {
            return;
        }
        for (Pending p : pending.values()) {
            write(p.key(), p.group(), p.value());
            rows.put(ByteBuffer.wrap(p.key()), p.value());
        }
        pending.clear();
    }

    /** A copy of the held writes, or null for none (the common case: one savepoint per message). */
    @Override
    public Object mark() {
        return pending == null || pending.isEmpty() ? null : new HashMap<>(pending);
    }

    @Override
    @SuppressWarnings("unchecked")
    public void reset(Object mark) {
        if (pending == null) {
            return;
        }
        pending.clear();
        if (mark != null) {
            pending.putAll((Map<ByteBuffer, Pending>) mark);
        }
        rows.clear(); // a flush inside the savepoint may have put rows that are undone now
    }

    @Override
    public void clear() {
        if (pending != null) {
            pending.clear();
            rows.clear();
        }
    }

    private List<Entry> decrypt(CachedStatement s) throws SQLException {
        List<Entry> entries = new ArrayList<>();
        try (ResultSet r = s.executeQuery()) {
            while (r.next()) {
                byte[] idx = r.getBytes(1);
                entries.add(new Entry(
                        db.sealer().open(table, "k", idx, r.getBytes(2)),
                        db.sealer().open(table, "v", idx, r.getBytes(3))));
            }
        }
        return entries;
    }
}
