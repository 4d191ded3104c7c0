// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One key/value table of the profile store, with nothing in the clear: column {@code idx} is
 * the blind index of the key (the primary key), {@code k} the sealed key (so the table can be
 * listed), {@code v} the sealed value, and the optional {@code grp} the blind index of a value
 * rows are found and deleted by together (all sessions of an account). Keys and values are
 * sealed for their row, so a value moved to another row does not open.
 *
 * <p>Thread-safe through {@link StoreDatabase}.
 */
final class SealedMap {
    /** A decrypted row. */
    record Entry(byte[] key, byte[] value) {}

    private final StoreDatabase db;
    private final String table;
    private final String groupDomain;

    /** @param table a table of the shape above; a constant from this package, never input */
    SealedMap(StoreDatabase db, String table) {
        this.db = db;
        this.table = table;
        this.groupDomain = table + "#grp";
    }

    Optional<byte[]> get(byte[] key) {
        return db.read(c -> {
            byte[] idx = db.index().of(table, key);
            try (CachedStatement s = db.prepare("SELECT v FROM " + table + " WHERE idx = ?")) {
                s.setBytes(1, idx);
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? Optional.of(db.sealer().open(table, "v", idx, r.getBytes(1))) : Optional.empty();
                }
            }
        });
    }

    boolean contains(byte[] key) {
        return db.read(c -> {
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
            return null;
        });
    }

    /** Deletes the row of {@code key}; true if there was one. */
    boolean delete(byte[] key) {
        return db.write(c -> {
            try (CachedStatement s = db.prepare("DELETE FROM " + table + " WHERE idx = ?")) {
                s.setBytes(1, db.index().of(table, key));
                return s.executeUpdate() > 0;
            }
        });
    }

    /** Deletes every row of {@code group}; returns how many. */
    int deleteGroup(byte[] group) {
        return db.write(c -> {
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
