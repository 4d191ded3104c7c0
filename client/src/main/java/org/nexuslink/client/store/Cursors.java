// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.store;

import java.util.Objects;

/**
 * The sync cursors: per community server and conversation, the highest channel mid this profile
 * has stored, so a reconnect catches up with {@code after mid}. Server, conversation and mid are
 * all sealed. Thread-safe.
 */
public final class Cursors {
    private final StoreDatabase db;
    private final SealedMap table;

    Cursors(StoreDatabase db) {
        this.db = db;
        this.table = SealedMap.cached(db, "cursors", SealedMap.CACHED_ROWS);
    }

    /** The cursor, or 0 when none was stored. */
    public long get(String server, String conversationId) {
        byte[] key = key(server, conversationId);
        return table.get(key).map(Cursors::decode).orElse(0L);
    }

    /**
     * Moves the cursor to {@code mid} if that is further than it is; a lower mid changes nothing,
     * so a late or replayed event never rewinds the sync.
     *
     * @throws IllegalArgumentException if {@code mid} is negative
     */
    public void put(String server, String conversationId, long mid) {
        if (mid < 0) {
            throw new IllegalArgumentException("a cursor mid is not negative, got " + mid);
        }
        byte[] key = key(server, conversationId);
        db.write(c -> {
            long current = table.get(key).map(Cursors::decode).orElse(0L);
            if (mid > current) {
                table.put(key, new RowCodec.Writer().i64(mid).toBytes());
            }
            return null;
        });
    }

    private static byte[] key(String server, String conversationId) {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(conversationId, "conversationId");
        return new RowCodec.Writer().string(server).string(conversationId).toBytes();
    }

    private static long decode(byte[] value) {
        RowCodec.Reader in = new RowCodec.Reader(value, "cursor");
        long mid = in.i64();
        in.end();
        return mid;
    }
}
