// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.keys;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Optional;
import org.nexuslink.crypto.identity.AccountIdentity;
import org.nexuslink.crypto.identity.DeviceCertificate;
import org.nexuslink.crypto.identity.DeviceId;
import org.nexuslink.crypto.identity.DeviceKeyPair;
import org.nexuslink.server.auth.Principal;
import org.nexuslink.server.auth.TokenStore;
import org.nexuslink.server.storage.Database;

/**
 * A test member with real keys, written into the database with SQL as the accounts feature would:
 * a {@code members} row and one {@code devices} row per device, with a real certificate.
 */
final class SeededMember {
    final AccountIdentity identity = AccountIdentity.generate();
    private final Database database;
    private final Clock clock;

    private SeededMember(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    /** A new member with device 1. */
    static SeededMember join(Database database, Clock clock) {
        SeededMember member = new SeededMember(database, clock);
        database.inTransaction(h -> h.createUpdate(
                        "INSERT INTO members (account_id, identity_key, joined_at) " + "VALUES (:account, :key, :now)")
                .bind("account", member.identity.accountId().toString())
                .bind("key", member.identity.accountId().publicKeyBytes())
                .bind("now", clock.instant())
                .execute());
        return member;
    }

    /** A device of this member, registered now. */
    final class Device {
        final DeviceKeyPair key = DeviceKeyPair.generate();
        final DeviceCertificate certificate;
        final Principal principal;

        private Device(int id) {
            DeviceId deviceId = new DeviceId(id);
            certificate = identity.certify(deviceId, key.publicKey(), clock.instant(), Optional.empty());
            principal = new Principal(identity.accountId(), deviceId);
        }

        /** A fresh bearer token for this device. */
        String token() {
            TokenStore tokens = new TokenStore(database, clock, new SecureRandom());
            return database.inTransaction(h -> tokens.issue(h, principal)).token();
        }

        void revoke() {
            database.inTransaction(h -> h.createUpdate("UPDATE devices SET revoked_at = :now "
                            + "WHERE account_id = :account AND device_id = :device")
                    .bind("now", clock.instant())
                    .bind("account", principal.account().toString())
                    .bind("device", principal.device().value())
                    .execute());
        }
    }

    Device device(int id) {
        Device device = new Device(id);
        database.inTransaction(h -> h.createUpdate("INSERT INTO devices (account_id, device_id, device_key, "
                        + "certificate, device_type, registered_at, last_active_at) "
                        + "VALUES (:account, :device, :key, :certificate, 'desktop', :now, :now)")
                .bind("account", identity.accountId().toString())
                .bind("device", id)
                .bind("key", device.key.publicKeyBytes())
                .bind("certificate", device.certificate.encoded())
                .bind("now", clock.instant())
                .execute());
        return device;
    }

    void ban() {
        database.inTransaction(h -> h.createUpdate(
                        "UPDATE members SET is_banned = TRUE, banned_at = :now " + "WHERE account_id = :account")
                .bind("now", clock.instant())
                .bind("account", identity.accountId().toString())
                .execute());
    }
}
