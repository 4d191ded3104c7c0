// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.keys;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.crypto.identity.DeviceId;
import org.nexuslink.protocol.Bytes;
import org.nexuslink.server.storage.Database;
import org.nexuslink.server.storage.Dialect;

/**
 * Owns {@code signed_prekeys}, {@code prekeys} and {@code kyber_prekeys}, and reads the member
 * and device rows a bundle is built from. Methods taking a {@link Handle} run in the caller's
 * transaction; the others read on their own. Thread-safe (stateless over the database).
 *
 * <p>Handing out a one-time key deletes it in the statement that reads it ({@code DELETE ...
 * RETURNING}). On SQLite writers are serialized, so that alone hands a key out once. On PostgreSQL
 * the key is picked with {@code FOR UPDATE SKIP LOCKED}: a concurrent fetch skips a key another
 * transaction is taking and gets the next one, instead of waiting and then finding nothing.
 */
public final class PrekeyStore {
    private final Database database;

    public PrekeyStore(Database database) {
        this.database = Objects.requireNonNull(database, "database");
    }

    /** A member as a bundle needs it. */
    record Member(Bytes identityKey, boolean banned) {}

    /** An unrevoked device as a bundle needs it. */
    record ActiveDevice(DeviceId device, Bytes deviceKey, Bytes certificate) {}

    /** One-time keys available on the whole server (the gauge). */
    record Totals(long oneTimePrekeys, long kyberPrekeys) {}

    Optional<Member> member(Handle h, AccountId account) {
        return h.createQuery("SELECT identity_key, is_banned FROM members WHERE account_id = :account")
                .bind("account", account.toString())
                .map((rs, ctx) -> new Member(Bytes.of(rs.getBytes(1)), rs.getBoolean(2)))
                .findOne();
    }

    /** The account's unrevoked devices by id, or only {@code only} if it is one of them. */
    List<ActiveDevice> activeDevices(Handle h, AccountId account, Optional<DeviceId> only) {
        String sql = "SELECT device_id, device_key, certificate FROM devices "
                + "WHERE account_id = :account AND revoked_at IS NULL"
                + (only.isPresent() ? " AND device_id = :device" : "") + " ORDER BY device_id";
        var query = h.createQuery(sql).bind("account", account.toString());
        only.ifPresent(d -> query.bind("device", d.value()));
        return query.map((rs, ctx) -> new ActiveDevice(
                        new DeviceId(rs.getInt(1)), Bytes.of(rs.getBytes(2)), Bytes.of(rs.getBytes(3))))
                .list();
    }

    /**
     * The revocations the account's identity key signed (the accounts package stores them in
     * {@code device_revocations}; docs/identity.md), oldest first: senders check bundles against them.
     */
    List<Bytes> signedRevocations(Handle h, AccountId account) {
        return h.createQuery("SELECT revocation FROM device_revocations "
                        + "WHERE account_id = :account AND revocation IS NOT NULL ORDER BY revoked_at, device_id")
                .bind("account", account.toString())
                .map((rs, ctx) -> Bytes.of(rs.getBytes(1)))
                .list();
    }

    /** The device key of an unrevoked device. */
    Optional<Bytes> activeDeviceKey(Handle h, AccountId account, DeviceId device) {
        return h.createQuery("SELECT device_key FROM devices "
                        + "WHERE account_id = :account AND device_id = :device AND revoked_at IS NULL")
                .bind("account", account.toString())
                .bind("device", device.value())
                .map((rs, ctx) -> Bytes.of(rs.getBytes(1)))
                .findOne();
    }

    /** As {@link #activeDeviceKey(Handle, AccountId, DeviceId)}, outside a transaction. */
    Optional<Bytes> activeDeviceKey(AccountId account, DeviceId device) {
        return database.jdbi().withHandle(h -> activeDeviceKey(h, account, device));
    }

    /** The device's stock. */
    PrekeyCounts counts(Handle h, AccountId account, DeviceId device) {
        String where = " WHERE account_id = :account AND device_id = :device";
        return h.createQuery("SELECT "
                        + "(SELECT COUNT(*) FROM prekeys" + where + "), "
                        + "(SELECT COUNT(*) FROM kyber_prekeys" + where + " AND NOT is_last_resort), "
                        + "(SELECT COUNT(*) FROM kyber_prekeys" + where + " AND is_last_resort), "
                        + "(SELECT uploaded_at FROM signed_prekeys" + where + ")")
                .bind("account", account.toString())
                .bind("device", device.value())
                .map((rs, ctx) -> {
                    long uploaded = rs.getLong(4);
                    Optional<Instant> signed =
                            rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(uploaded));
                    return new PrekeyCounts(rs.getInt(1), rs.getInt(2), rs.getInt(3) > 0, signed);
                })
                .one();
    }

    /** As {@link #counts(Handle, AccountId, DeviceId)}, outside a transaction. */
    PrekeyCounts counts(AccountId account, DeviceId device) {
        return database.jdbi().withHandle(h -> counts(h, account, device));
    }

    Optional<SignedEcPrekey.Stored> signedPrekey(Handle h, AccountId account, DeviceId device) {
        return h.createQuery("SELECT key_id, public_key, signature, uploaded_at FROM signed_prekeys "
                        + "WHERE account_id = :account AND device_id = :device")
                .bind("account", account.toString())
                .bind("device", device.value())
                .map((rs, ctx) -> new SignedEcPrekey.Stored(
                        new SignedEcPrekey(rs.getInt(1), Bytes.of(rs.getBytes(2)), Bytes.of(rs.getBytes(3))),
                        Instant.ofEpochMilli(rs.getLong(4))))
                .findOne();
    }

    /** Removes and returns one one-time EC prekey of the device, if it has any. */
    Optional<EcPrekey> takeOneTimePrekey(Handle h, AccountId account, DeviceId device) {
        return h.createQuery(takeSql("prekeys", "", "key_id, public_key"))
                .bind("account", account.toString())
                .bind("device", device.value())
                .map((rs, ctx) -> new EcPrekey(rs.getInt(1), Bytes.of(rs.getBytes(2))))
                .findOne();
    }

    /** Removes and returns one one-time Kyber prekey of the device, if it has any. */
    Optional<KyberPrekey> takeKyberPrekey(Handle h, AccountId account, DeviceId device) {
        return h.createQuery(takeSql("kyber_prekeys", " AND NOT is_last_resort", "key_id, public_key, signature"))
                .bind("account", account.toString())
                .bind("device", device.value())
                .map((rs, ctx) -> kyber(rs))
                .findOne();
    }

    private String takeSql(String table, String filter, String columns) {
        String where = "account_id = :account AND device_id = :device" + filter;
        String lock = database.dialect() == Dialect.POSTGRES ? " FOR UPDATE SKIP LOCKED" : "";
        return "DELETE FROM " + table + " WHERE " + where + " AND key_id = (SELECT key_id FROM " + table + " WHERE "
                + where + " ORDER BY key_id LIMIT 1" + lock + ") RETURNING " + columns;
    }

    /** The device's last-resort Kyber prekey (handed out, never consumed). */
    Optional<KyberPrekey> lastResortKyberPrekey(Handle h, AccountId account, DeviceId device) {
        return h.createQuery("SELECT key_id, public_key, signature FROM kyber_prekeys "
                        + "WHERE account_id = :account AND device_id = :device AND is_last_resort")
                .bind("account", account.toString())
                .bind("device", device.value())
                .map((rs, ctx) -> kyber(rs))
                .findOne();
    }

    private static KyberPrekey kyber(ResultSet rs) throws SQLException {
        return new KyberPrekey(rs.getInt(1), Bytes.of(rs.getBytes(2)), Bytes.of(rs.getBytes(3)));
    }

    /** Which of {@code keyIds} the device already has as one-time EC prekeys. */
    Set<Integer> storedOneTimeKeyIds(Handle h, AccountId account, DeviceId device, Collection<Integer> keyIds) {
        return storedKeyIds(h, "prekeys", account, device, keyIds);
    }

    /** Which of {@code keyIds} the device already uses for a Kyber prekey, one-time or last-resort. */
    Set<Integer> storedKyberKeyIds(Handle h, AccountId account, DeviceId device, Collection<Integer> keyIds) {
        return storedKeyIds(h, "kyber_prekeys", account, device, keyIds);
    }

    private static Set<Integer> storedKeyIds(
            Handle h, String table, AccountId account, DeviceId device, Collection<Integer> keyIds) {
        if (keyIds.isEmpty()) {
            return Set.of();
        }
        return new HashSet<>(h.createQuery("SELECT key_id FROM " + table
                        + " WHERE account_id = :account AND device_id = :device AND key_id IN (<ids>)")
                .bind("account", account.toString())
                .bind("device", device.value())
                .bindList("ids", List.copyOf(keyIds))
                .mapTo(Integer.class)
                .list());
    }

    /** Stores the device's signed EC prekey, replacing the current one. */
    void replaceSignedPrekey(Handle h, AccountId account, DeviceId device, SignedEcPrekey key, Instant now) {
        h.createUpdate("INSERT INTO signed_prekeys (account_id, device_id, key_id, public_key, signature, uploaded_at) "
                        + "VALUES (:account, :device, :id, :key, :signature, :now) "
                        + "ON CONFLICT (account_id, device_id) DO UPDATE SET key_id = excluded.key_id, "
                        + "public_key = excluded.public_key, signature = excluded.signature, "
                        + "uploaded_at = excluded.uploaded_at")
                .bind("account", account.toString())
                .bind("device", device.value())
                .bind("id", key.keyId())
                .bind("key", key.publicKey().toByteArray())
                .bind("signature", key.signature().toByteArray())
                .bind("now", now)
                .execute();
    }

    /** Adds one-time EC prekeys; their ids must be new for the device. */
    void addOneTimePrekeys(Handle h, AccountId account, DeviceId device, List<EcPrekey> keys, Instant now) {
        if (keys.isEmpty()) {
            return;
        }
        PreparedBatch batch = h.prepareBatch("INSERT INTO prekeys (account_id, device_id, key_id, public_key, "
                + "uploaded_at) VALUES (:account, :device, :id, :key, :now)");
        for (EcPrekey key : keys) {
            batch.bind("account", account.toString())
                    .bind("device", device.value())
                    .bind("id", key.keyId())
                    .bind("key", key.publicKey().toByteArray())
                    .bind("now", now)
                    .add();
        }
        batch.execute();
    }

    /** Adds Kyber prekeys, one-time or (at most one) last-resort; their ids must be new for the device. */
    void addKyberPrekeys(
            Handle h, AccountId account, DeviceId device, List<KyberPrekey> keys, boolean lastResort, Instant now) {
        if (keys.isEmpty()) {
            return;
        }
        PreparedBatch batch = h.prepareBatch("INSERT INTO kyber_prekeys (account_id, device_id, key_id, public_key, "
                + "signature, is_last_resort, uploaded_at) VALUES (:account, :device, :id, :key, :signature, "
                + ":lastResort, :now)");
        for (KyberPrekey key : keys) {
            batch.bind("account", account.toString())
                    .bind("device", device.value())
                    .bind("id", key.keyId())
                    .bind("key", key.publicKey().toByteArray())
                    .bind("signature", key.signature().toByteArray())
                    .bind("lastResort", lastResort)
                    .bind("now", now)
                    .add();
        }
        batch.execute();
    }

    /** Deletes the device's last-resort Kyber prekey, if any. */
    void deleteLastResortKyberPrekey(Handle h, AccountId account, DeviceId device) {
        h.createUpdate("DELETE FROM kyber_prekeys WHERE account_id = :account AND device_id = :device "
                        + "AND is_last_resort")
                .bind("account", account.toString())
                .bind("device", device.value())
                .execute();
    }

    /**
     * Deletes every prekey of a device, for device removal: call it in the removing transaction.
     *
     * @return how many keys were deleted
     */
    public int deleteAll(Handle h, AccountId account, DeviceId device) {
        Objects.requireNonNull(h, "h");
        int deleted = 0;
        for (String table : List.of("prekeys", "kyber_prekeys", "signed_prekeys")) {
            deleted += h.createUpdate("DELETE FROM " + table + " WHERE account_id = :account AND device_id = :device")
                    .bind("account", account.toString())
                    .bind("device", device.value())
                    .execute();
        }
        return deleted;
    }

    /** One-time keys stored on the whole server. */
    Totals totals() {
        return database.jdbi()
                .withHandle(h -> h.createQuery("SELECT (SELECT COUNT(*) FROM prekeys), "
                                + "(SELECT COUNT(*) FROM kyber_prekeys WHERE NOT is_last_resort)")
                        .map((rs, ctx) -> new Totals(rs.getLong(1), rs.getLong(2)))
                        .one());
    }
}
