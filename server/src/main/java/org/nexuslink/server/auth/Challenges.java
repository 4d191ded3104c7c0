// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.auth;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.nexuslink.crypto.challenge.InvalidChallengeException;
import org.nexuslink.crypto.challenge.ServerChallenge;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.crypto.identity.DeviceId;
import org.nexuslink.protocol.ErrorCode;
import org.nexuslink.server.http.ApiException;
import org.nexuslink.server.storage.Database;
import org.signal.libsignal.protocol.ecc.ECPublicKey;

/**
 * Owns {@code auth_challenges}: single-use nonces a device signs to prove it holds its key.
 * Issuing stores the nonce for one account and device; {@link #check} verifies a signed response
 * without changing anything; {@link #consume} deletes the nonce inside the caller's transaction,
 * so of two concurrent uses of one response exactly one succeeds. Thread-safe.
 */
public final class Challenges {
    /** How long a challenge may be answered. */
    public static final Duration LIFETIME = ServerChallenge.DEFAULT_MAX_AGE;

    private final Database database;
    private final String serverId;
    private final Clock clock;
    private final SecureRandom random;

    public Challenges(Database database, String serverId, Clock clock, SecureRandom random) {
        this.database = Objects.requireNonNull(database, "database");
        this.serverId = Objects.requireNonNull(serverId, "serverId");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
    }

    /** Issues and remembers a challenge for one device of one account (registered or about to join). */
    public ServerChallenge issue(AccountId account, DeviceId device) {
        ServerChallenge challenge = ServerChallenge.issue(serverId, clock, random);
        database.inTransaction(h -> {
            h.createUpdate("DELETE FROM auth_challenges WHERE expires_at <= :now").bind("now", clock.instant()).execute();
            return h.createUpdate("INSERT INTO auth_challenges (nonce, account_id, device_id, created_at, expires_at) "
                            + "VALUES (:nonce, :account, :device, :created, :expires)")
                    .bind("nonce", challenge.nonce())
                    .bind("account", account.toString())
                    .bind("device", device.value())
                    .bind("created", challenge.issuedAt())
                    .bind("expires", challenge.issuedAt().plus(LIFETIME))
                    .execute();
        });
        return challenge;
    }

    /**
     * Checks a signed response: the challenge was issued here for this account and device, is
     * unused and fresh, and the signature verifies under {@code deviceKey}. Changes nothing.
     *
     * @return the challenge, to {@link #consume} in the transaction that acts on it
     * @throws ApiException {@code challenge_invalid}, {@code challenge_expired} or {@code bad_signature}
     */
    public ServerChallenge check(byte[] encodedChallenge, byte[] signature, AccountId account, DeviceId device,
                                 ECPublicKey deviceKey) {
        ServerChallenge challenge;
        try {
            challenge = ServerChallenge.decode(encodedChallenge);
        } catch (InvalidChallengeException e) {
            throw new ApiException(ErrorCode.CHALLENGE_INVALID, e.getMessage());
        }
        record Issued(String account, int device, Instant expiresAt) {}
        Optional<Issued> issued = database.jdbi().withHandle(h -> h.createQuery(
                        "SELECT account_id, device_id, expires_at FROM auth_challenges WHERE nonce = :nonce")
                .bind("nonce", challenge.nonce())
                .map((rs, ctx) -> new Issued(rs.getString(1), rs.getInt(2), Instant.ofEpochMilli(rs.getLong(3))))
                .findOne());
        Issued row = issued.orElseThrow(() -> new ApiException(ErrorCode.CHALLENGE_INVALID,
                "challenge unknown or already used; request a new one"));
        if (!row.account().equals(account.toString()) || row.device() != device.value()) {
            throw new ApiException(ErrorCode.CHALLENGE_INVALID, "challenge was issued for another account or device");
        }
        if (!row.expiresAt().isAfter(clock.instant())) {
            throw new ApiException(ErrorCode.CHALLENGE_EXPIRED, "challenge expired at " + row.expiresAt());
        }
        try {
            challenge.verify(signature, deviceKey, serverId, clock, LIFETIME);
        } catch (InvalidChallengeException e) {
            ErrorCode code = switch (e.reason()) {
                case EXPIRED -> ErrorCode.CHALLENGE_EXPIRED;
                case BAD_SIGNATURE -> ErrorCode.BAD_SIGNATURE;
                case MALFORMED, WRONG_SERVER, FROM_FUTURE -> ErrorCode.CHALLENGE_INVALID;
            };
            throw new ApiException(code, e.getMessage());
        }
        return challenge;
    }

    /**
     * Uses up a checked challenge inside the caller's write transaction.
     *
     * @throws ApiException {@code challenge_invalid} when a concurrent request used it first
     */
    public void consume(Handle handle, ServerChallenge challenge) {
        int deleted = handle.createUpdate("DELETE FROM auth_challenges WHERE nonce = :nonce")
                .bind("nonce", challenge.nonce())
                .execute();
        if (deleted != 1) {
            throw new ApiException(ErrorCode.CHALLENGE_INVALID, "challenge already used");
        }
    }

    /** This server's id, as challenges carry it. */
    public String serverId() {
        return serverId;
    }
}
