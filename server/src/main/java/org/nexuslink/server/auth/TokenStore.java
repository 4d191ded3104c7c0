// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.auth;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.crypto.identity.DeviceId;
import org.nexuslink.protocol.ErrorCode;
import org.nexuslink.server.http.ApiException;
import org.nexuslink.server.storage.Database;

/**
 * Owns {@code auth_tokens}: bearer tokens, stored only as their SHA-256 so a database leak yields
 * no usable token. A token is valid while unexpired, its device registered and unrevoked and its
 * member not banned. Thread-safe.
 */
public final class TokenStore {
    /** How long a token lives. */
    public static final Duration TOKEN_LIFETIME = Duration.ofHours(24);

    private static final int TOKEN_BYTES = 32;

    private final Database database;
    private final Clock clock;
    private final SecureRandom random;

    public TokenStore(Database database, Clock clock, SecureRandom random) {
        this.database = Objects.requireNonNull(database, "database");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
    }

    /** A freshly issued token and when it expires. The token itself is shown only here. */
    public record IssuedToken(String token, Instant expiresAt) {
        @Override
        public String toString() {
            return "IssuedToken[token=(secret), expiresAt=" + expiresAt + "]";
        }
    }

    /** Issues a token for a device, inside the caller's transaction. */
    public IssuedToken issue(org.jdbi.v3.core.Handle handle, Principal principal) {
        byte[] raw = new byte[TOKEN_BYTES];
        random.nextBytes(raw);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        Instant now = clock.instant();
        Instant expires = now.plus(TOKEN_LIFETIME);
        handle.createUpdate("INSERT INTO auth_tokens (token_hash, account_id, device_id, created_at, expires_at) "
                        + "VALUES (:hash, :account, :device, :now, :expires)")
                .bind("hash", hash(token))
                .bind("account", principal.account().toString())
                .bind("device", principal.device().value())
                .bind("now", now)
                .bind("expires", expires)
                .execute();
        return new IssuedToken(token, expires);
    }

    /** The device a valid bearer token stands for, and when the token expires. */
    public record Resolved(Principal principal, Instant expiresAt) {
        public Resolved {
            Objects.requireNonNull(principal, "principal");
            Objects.requireNonNull(expiresAt, "expiresAt");
        }
    }

    /**
     * The device a bearer token stands for.
     *
     * @throws ApiException {@code token_invalid}, {@code token_expired}, {@code device_not_certified}
     *     or {@code account_banned}
     */
    public Principal resolve(String token) {
        return resolveWithExpiry(token).principal();
    }

    /**
     * As {@link #resolve}, with the token's expiry (the gateway ends a WebSocket then).
     *
     * @throws ApiException as {@link #resolve}
     */
    public Resolved resolveWithExpiry(String token) {
        Objects.requireNonNull(token, "token");
        if (token.isEmpty() || token.length() > 100) {
            throw new ApiException(ErrorCode.TOKEN_INVALID, "malformed bearer token");
        }
        record Row(String account, int device, Instant expiresAt, Instant revokedAt, boolean banned) {}
        Optional<Row> row = database.jdbi()
                .withHandle(h -> h.createQuery(
                                "SELECT t.account_id, t.device_id, t.expires_at, d.revoked_at, m.is_banned "
                                        + "FROM auth_tokens t "
                                        + "JOIN devices d ON d.account_id = t.account_id AND d.device_id = t.device_id "
                                        + "JOIN members m ON m.account_id = t.account_id "
                                        + "WHERE t.token_hash = :hash")
                        .bind("hash", hash(token))
                        .map((rs, ctx) -> new Row(
                                rs.getString(1),
                                rs.getInt(2),
                                Instant.ofEpochMilli(rs.getLong(3)),
                                rs.getObject(4) == null ? null : Instant.ofEpochMilli(rs.getLong(4)),
                                rs.getBoolean(5)))
                        .findOne());
        Row r = row.orElseThrow(() -> new ApiException(ErrorCode.TOKEN_INVALID, "unknown or revoked bearer token"));
        if (!r.expiresAt().isAfter(clock.instant())) {
            throw new ApiException(ErrorCode.TOKEN_EXPIRED, "bearer token expired at " + r.expiresAt());
        }
        if (r.revokedAt() != null) {
            throw new ApiException(ErrorCode.DEVICE_NOT_CERTIFIED, "device " + r.device() + " was removed");
        }
        if (r.banned()) {
            throw new ApiException(ErrorCode.ACCOUNT_BANNED, "account is banned");
        }
        return new Resolved(Principal.fromStored(r.account(), r.device()), r.expiresAt());
    }

    /** Revokes every token of one device, inside the caller's transaction. */
    public int revokeDevice(org.jdbi.v3.core.Handle handle, AccountId account, DeviceId device) {
        return handle.createUpdate("DELETE FROM auth_tokens WHERE account_id = :account AND device_id = :device")
                .bind("account", account.toString())
                .bind("device", device.value())
                .execute();
    }

    /** Revokes every token of an account (ban), inside the caller's transaction. */
    public int revokeAccount(org.jdbi.v3.core.Handle handle, AccountId account) {
        return handle.createUpdate("DELETE FROM auth_tokens WHERE account_id = :account")
                .bind("account", account.toString())
                .execute();
    }

    /** Deletes expired tokens (the server runs this on a schedule); returns how many. */
    public int sweepExpired() {
        return database.inTransaction(h -> h.createUpdate("DELETE FROM auth_tokens WHERE expires_at <= :now")
                .bind("now", clock.instant())
                .execute());
    }

    static byte[] hash(String token) {
        try {
            return MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from the JDK", e);
        }
    }
}
