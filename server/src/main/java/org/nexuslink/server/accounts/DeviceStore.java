// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.accounts;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jdbi.v3.core.Handle;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.crypto.identity.DeviceCertificate;
import org.nexuslink.crypto.identity.DeviceId;
import org.nexuslink.crypto.identity.DeviceRevocation;
import org.nexuslink.crypto.identity.InvalidCertificateException;
import org.nexuslink.protocol.Bytes;
import org.nexuslink.server.auth.Principal;
import org.nexuslink.server.storage.Database;

/**
 * Owns {@code devices}, each member's certified devices, and {@code device_revocations}, the
 * keys of the devices removed from each account. A removed device keeps its row with
 * {@code revoked_at} set, so its id is never reused while the account is a member; its key goes to
 * {@code device_revocations}, which no membership change deletes, so its certificate is never
 * accepted again on this server (docs/identity.md). Thread-safe.
 */
public final class DeviceStore {
    private static final String COLUMNS = "certificate, device_type, os, app_version, registered_at, last_active_at";

    private final Database database;
    private final DeviceListCache cache = new DeviceListCache(System::nanoTime, DeviceListCache.TTL);

    /** @param members told to invalidate this store's device-list cache when it deletes a member */
    public DeviceStore(Database database, MemberStore members) {
        this.database = Objects.requireNonNull(database, "database");
        members.onDelete(this::invalidate);
    }

    /** The device if it is registered and neither it nor its key was revoked. */
    public Optional<Device> findActive(AccountId account, DeviceId device) {
        // The key check is defence in depth: a revoked key never gets a row (see isRevoked), but
        // sign-in must not depend on every path having kept that true.
        return database.jdbi()
                .withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM devices "
                                + "WHERE account_id = :account AND device_id = :device AND revoked_at IS NULL "
                                + "AND NOT EXISTS (SELECT 1 FROM device_revocations r "
                                + "WHERE r.account_id = devices.account_id AND r.device_key = devices.device_key)")
                        .bind("account", account.toString())
                        .bind("device", device.value())
                        .map((rs, ctx) -> device(rs))
                        .findOne());
    }

    /** The account's unrevoked devices, by device id. */
    public List<Device> listActive(AccountId account) {
        return database.jdbi().withHandle(h -> listActive(h, account));
    }

    List<Device> listActive(Handle h, AccountId account) {
        return h.createQuery("SELECT " + COLUMNS + " FROM devices "
                        + "WHERE account_id = :account AND revoked_at IS NULL ORDER BY device_id")
                .bind("account", account.toString())
                .map((rs, ctx) -> device(rs))
                .list();
    }

    /**
     * {@link #listActive(Handle, AccountId)} with the rows locked on PostgreSQL until the caller's
     * transaction ends, so that two concurrent removals cannot both see a second device left
     * (SQLite has one writer anyway).
     */
    List<Device> lockActive(Handle h, AccountId account) {
        return h.createQuery("SELECT " + COLUMNS + " FROM devices "
                        + "WHERE account_id = :account AND revoked_at IS NULL ORDER BY device_id"
                        + (database.dialect() == org.nexuslink.server.storage.Dialect.POSTGRES ? " FOR UPDATE" : ""))
                .bind("account", account.toString())
                .map((rs, ctx) -> device(rs))
                .list();
    }

    /** Whether this device key of the account was ever removed (by revocation or by itself). */
    boolean isRevoked(AccountId account, byte[] deviceKey) {
        return database.jdbi()
                .withHandle(h -> h.createQuery("SELECT COUNT(*) FROM device_revocations "
                                        + "WHERE account_id = :account AND device_key = :key")
                                .bind("account", account.toString())
                                .bind("key", deviceKey)
                                .mapTo(Integer.class)
                                .one()
                        > 0);
    }

    /**
     * The revocations the account's identity key signed, oldest first, as stored (each was
     * verified before it was stored; clients verify them again). Self-removals, which carry no
     * signature, are not among them.
     */
    public List<Bytes> signedRevocations(AccountId account) {
        return database.jdbi()
                .withHandle(h -> h.createQuery(
                                "SELECT revocation FROM device_revocations "
                                        + "WHERE account_id = :account AND revocation IS NOT NULL ORDER BY revoked_at, device_id")
                        .bind("account", account.toString())
                        .map((rs, ctx) -> Bytes.of(rs.getBytes(1)))
                        .list());
    }

    /**
     * The active device ids of each of these accounts that is a member; accounts that are not
     * members are absent from the map, members without devices map to an empty set. Served from
     * {@link DeviceListCache} when it can be (see there for how it stays correct).
     */
    public Map<AccountId, Set<DeviceId>> activeDevices(Collection<AccountId> accounts) {
        Map<AccountId, Set<DeviceId>> result = new HashMap<>();
        List<AccountId> missing = new ArrayList<>();
        for (AccountId account : accounts) {
            cache.get(account).ifPresentOrElse(d -> result.put(account, d), () -> missing.add(account));
        }
        if (!missing.isEmpty()) {
            long generation = cache.generation();
            Map<AccountId, Set<DeviceId>> loaded = activeDevicesUncached(missing);
            loaded.forEach((account, devices) -> cache.put(account, devices, generation));
            result.putAll(loaded);
        }
        return result;
    }

    /**
     * {@link #activeDevices} if every one of these accounts is in {@link DeviceListCache}, without
     * touching the database (so an event loop may call it); else empty.
     */
    public Optional<Map<AccountId, Set<DeviceId>>> cachedActiveDevices(Collection<AccountId> accounts) {
        Map<AccountId, Set<DeviceId>> result = new HashMap<>();
        for (AccountId account : accounts) {
            Optional<Set<DeviceId>> devices = cache.get(account);
            if (devices.isEmpty()) {
                return Optional.empty();
            }
            result.put(account, devices.get());
        }
        return Optional.of(result);
    }

    /** {@link #activeDevices} straight from the database, bypassing (and not filling) the cache. */
    public Map<AccountId, Set<DeviceId>> activeDevicesUncached(Collection<AccountId> accounts) {
        if (accounts.isEmpty()) {
            return Map.of();
        }
        List<String> ids = accounts.stream().map(AccountId::toString).toList();
        return database.jdbi().withHandle(h -> {
            Map<AccountId, Set<DeviceId>> result = new HashMap<>();
            h.createQuery("SELECT account_id FROM members WHERE account_id IN (<ids>)")
                    .bindList("ids", ids)
                    .mapTo(String.class)
                    .forEach(a -> result.put(Principal.storedAccount(a), new TreeSet<>()));
            h.createQuery(
                            "SELECT account_id, device_id FROM devices WHERE account_id IN (<ids>) AND revoked_at IS NULL")
                    .bindList("ids", ids)
                    .map((rs, ctx) -> Principal.fromStored(rs.getString(1), rs.getInt(2)))
                    .forEach(p -> result.computeIfAbsent(p.account(), a -> new TreeSet<>())
                            .add(p.device()));
            return result;
        });
    }

    /** Drops an account's cached device list, now and again once the caller's transaction commits. */
    private void invalidate(Handle h, AccountId account) {
        cache.invalidate(account);
        h.afterCommit(() -> cache.invalidate(account));
    }

    /** How many accounts' device lists are cached (for tests and diagnostics). */
    int cachedAccounts() {
        return cache.size();
    }

    /** Whether the id was ever used by this account, revoked or not. */
    boolean exists(Handle h, AccountId account, DeviceId device) {
        return h.createQuery("SELECT COUNT(*) FROM devices WHERE account_id = :account AND device_id = :device")
                        .bind("account", account.toString())
                        .bind("device", device.value())
                        .mapTo(Integer.class)
                        .one()
                > 0;
    }

    void insert(Handle h, DeviceCertificate certificate, DeviceDetails details, Instant now) {
        invalidate(h, certificate.accountId());
        h.createUpdate("INSERT INTO devices (account_id, device_id, device_key, certificate, device_type, os, "
                        + "app_version, push_token, registered_at, last_active_at) VALUES (:account, :device, :key, "
                        + ":certificate, :type, :os, :app, :push, :now, :now)")
                .bind("account", certificate.accountId().toString())
                .bind("device", certificate.deviceId().value())
                .bind("key", certificate.devicePublicKeyBytes())
                .bind("certificate", certificate.encoded())
                .bind("type", details.deviceType())
                .bind("os", details.os().isEmpty() ? null : details.os())
                .bind("app", details.appVersion().isEmpty() ? null : details.appVersion())
                .bind("push", details.pushToken().isEmpty() ? null : details.pushToken())
                .bind("now", now)
                .execute();
    }

    /**
     * Revokes a device and deletes its tokens and queued messages. The row stays, so the id is
     * not reused while the account is a member; the key is recorded in {@code device_revocations}
     * with the signed revocation if there is one (a device removing itself needs none), so it
     * survives the member leaving or being removed.
     *
     * @return whether an active device was revoked
     */
    boolean revoke(Handle h, Device device, Optional<DeviceRevocation> revocation, Instant now) {
        AccountId account = device.certificate().accountId();
        boolean revoked = revoke(h, account, device.certificate().deviceId(), now);
        if (revoked) {
            // A self-removal recorded earlier gains the signature when one comes; a signed one stays.
            h.createUpdate("INSERT INTO device_revocations (account_id, device_key, device_id, revocation, revoked_at) "
                            + "VALUES (:account, :key, :device, :revocation, :now) ON CONFLICT (account_id, device_key) "
                            + "DO UPDATE SET revocation = COALESCE(device_revocations.revocation, excluded.revocation)")
                    .bind("account", account.toString())
                    .bind("key", device.certificate().devicePublicKeyBytes())
                    .bind("device", device.certificate().deviceId().value())
                    .bindByType(
                            "revocation",
                            revocation.map(DeviceRevocation::encoded).orElse(null),
                            byte[].class)
                    .bind("now", now)
                    .execute();
        }
        return revoked;
    }

    private boolean revoke(Handle h, AccountId account, DeviceId device, Instant now) {
        int revoked = h.createUpdate("UPDATE devices SET revoked_at = :now, push_token = NULL "
                        + "WHERE account_id = :account AND device_id = :device AND revoked_at IS NULL")
                .bind("now", now)
                .bind("account", account.toString())
                .bind("device", device.value())
                .execute();
        if (revoked == 0) {
            return false;
        }
        invalidate(h, account);
        // Prekeys are deleted by their own store (AccountService calls it in this transaction).
        for (String table : new String[] {"auth_tokens", "message_queue"}) {
            String accountColumn = table.equals("message_queue") ? "recipient_account" : "account_id";
            String deviceColumn = table.equals("message_queue") ? "recipient_device" : "device_id";
            h.createUpdate("DELETE FROM " + table + " WHERE " + accountColumn + " = :account AND " + deviceColumn
                            + " = :device")
                    .bind("account", account.toString())
                    .bind("device", device.value())
                    .execute();
        }
        return true;
    }

    /** Records that a device just authenticated. */
    void touch(Handle h, AccountId account, DeviceId device, Instant now) {
        h.createUpdate("UPDATE devices SET last_active_at = :now WHERE account_id = :account AND device_id = :device")
                .bind("now", now)
                .bind("account", account.toString())
                .bind("device", device.value())
                .execute();
    }

    private static Device device(ResultSet rs) throws SQLException {
        DeviceCertificate certificate;
        try {
            certificate = DeviceCertificate.decodeUnverified(rs.getBytes("certificate"));
        } catch (InvalidCertificateException e) {
            throw new IllegalStateException("corrupt device certificate in the database", e);
        }
        return new Device(
                certificate,
                rs.getString("device_type"),
                nonNull(rs.getString("os")),
                nonNull(rs.getString("app_version")),
                Instant.ofEpochMilli(rs.getLong("registered_at")),
                Instant.ofEpochMilli(rs.getLong("last_active_at")));
    }

    private static String nonNull(String value) {
        return value == null ? "" : value;
    }
}
