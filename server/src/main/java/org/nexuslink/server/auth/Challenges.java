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
import org.nexuslink.crypto.challenge.Origin;
import org.nexuslink.crypto.challenge.ServerChallenge;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.crypto.identity.DeviceId;
import org.nexuslink.crypto.server.ServerKeyPair;
import org.nexuslink.protocol.ErrorCode;
import org.nexuslink.server.http.ApiException;
import org.nexuslink.server.storage.Database;
import org.signal.libsignal.protocol.ecc.ECPublicKey;

/**
 * Owns {@code auth_challenges}: single-use nonces a device signs to prove it holds its key.
 * Issuing stores the nonce for one account and device and signs the challenge with the server
 * key; {@link #check} verifies a signed response without changing anything; {@link #consume}
 * deletes the nonce inside the caller's transaction, so of two concurrent uses of one response
 * exactly one succeeds. A response is accepted only for a challenge naming this server's id and
 * key; the origin it names is the client's to check (docs/protocol.md says why). Thread-safe.
 */
public final class Challenges {
    /** How long a challenge may be answered. */
    public static final Duration LIFETIME = ServerChallenge.DEFAULT_MAX_AGE;

    private final Database database;
    private final ServerIdentity identity;
    private final ServerKeyPair serverKey;
    private final Clock clock;
    private final SecureRandom random;

    /** A challenge and the server key's signature over it, as the device receives them. */
    public record Issued(ServerChallenge challenge, byte[] serverSignature) {}

    public Challenges(
            Database database, ServerIdentity identity, ServerKeyPair serverKey, Clock clock, SecureRandom random) {
        this.database = Objects.requireNonNull(database, "database");
        this.identity = Objects.requireNonNull(identity, "identity");
        this.serverKey = Objects.requireNonNull(serverKey, "serverKey");
        if (!serverKey.publicKey().equals(identity.publicKey())) {
            throw new IllegalArgumentException("the server key is not the one the identity records");
        }
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
    }

    /**
     * Issues, remembers and signs a challenge for one device of one account (registered or about
     * to join), naming the origin the request was addressed to.
     */
    public Issued issue(AccountId account, DeviceId device, Origin origin) {
        ServerChallenge challenge =
                ServerChallenge.issue(identity.serverId(), identity.publicKey(), origin, clock, random);
        database.inTransaction(h -> {
            h.createUpdate("DELETE FROM auth_challenges WHERE expires_at <= :now")
                    .bind("now", clock.instant())
                    .execute();
            return h.createUpdate("INSERT INTO auth_challenges (nonce, account_id, device_id, created_at, expires_at) "
                            + "VALUES (:nonce, :account, :device, :created, :expires)")
                    .bind("nonce", challenge.nonce())
                    .bind("account", account.toString())
                    .bind("device", device.value())
                    .bind("created", challenge.issuedAt())
                    .bind("expires", challenge.issuedAt().plus(LIFETIME))
                    .execute();
        });
        return new Issued(challenge, challenge.serverSignature(serverKey));
    }

    /**
     * Checks a signed response: the challenge was issued here for this account and device, is
     * unused and fresh, and the signature verifies under {@code deviceKey}. Changes nothing.
     *
     * @return the challenge, to {@link #consume} in the transaction that acts on it
     * @throws ApiException {@code challenge_invalid}, {@code challenge_expired} or {@code bad_signature}
     */
    public ServerChallenge check(
            byte[] encodedChallenge, byte[] signature, AccountId account, DeviceId device, ECPublicKey deviceKey) {
        ServerChallenge challenge = checkIssued(encodedChallenge, account, device);
        if (!checkSignature(challenge, signature, deviceKey)) {
            throw new ApiException(ErrorCode.BAD_SIGNATURE, "challenge signature does not verify under the device key");
        }
        return challenge;
    }

    /**
     * The part of {@link #check} that needs no device key: the challenge names this server's id
     * and key, was issued here for this account and device, and is unused and fresh. Changes
     * nothing, and tells nothing about whether the account or device exists.
     *
     * @throws ApiException {@code challenge_invalid} or {@code challenge_expired}
     */
    public ServerChallenge checkIssued(byte[] encodedChallenge, AccountId account, DeviceId device) {
        ServerChallenge challenge;
        try {
            challenge = ServerChallenge.decode(encodedChallenge);
            // The key check refuses a challenge another server rewrote to name its own key and
            // re-signed, so that the device would sign it: its signature is not for us.
            challenge.checkServer(identity.serverId(), identity.publicKey());
        } catch (InvalidChallengeException e) {
            throw new ApiException(ErrorCode.CHALLENGE_INVALID, e.getMessage());
        }
        record IssuedRow(String account, int device, Instant expiresAt) {}
        Optional<IssuedRow> issued = database.jdbi()
                .withHandle(h -> h.createQuery(
                                "SELECT account_id, device_id, expires_at FROM auth_challenges WHERE nonce = :nonce")
                        .bind("nonce", challenge.nonce())
                        .map((rs, ctx) ->
                                new IssuedRow(rs.getString(1), rs.getInt(2), Instant.ofEpochMilli(rs.getLong(3))))
                        .findOne());
        IssuedRow row = issued.orElseThrow(() ->
                new ApiException(ErrorCode.CHALLENGE_INVALID, "challenge unknown or already used; request a new one"));
        if (!row.account().equals(account.toString()) || row.device() != device.value()) {
            throw new ApiException(ErrorCode.CHALLENGE_INVALID, "challenge was issued for another account or device");
        }
        if (!row.expiresAt().isAfter(clock.instant())) {
            throw new ApiException(ErrorCode.CHALLENGE_EXPIRED, "challenge expired at " + row.expiresAt());
        }
        return challenge;
    }

    /**
     * Whether {@code signature} is the device's signature over a challenge {@link #checkIssued}
     * accepted, still fresh by the clock.
     *
     * @throws ApiException {@code challenge_invalid} or {@code challenge_expired} when the challenge's
     *     own issue time is out of range
     */
    public boolean checkSignature(ServerChallenge challenge, byte[] signature, ECPublicKey deviceKey) {
        try {
            challenge.verify(signature, deviceKey, identity.serverId(), identity.publicKey(), clock, LIFETIME);
            return true;
        } catch (InvalidChallengeException e) {
            return switch (e.reason()) {
                case BAD_SIGNATURE -> false;
                case EXPIRED -> throw new ApiException(ErrorCode.CHALLENGE_EXPIRED, e.getMessage());
                case MALFORMED, WRONG_SERVER, WRONG_ORIGIN, BAD_SERVER_SIGNATURE, FROM_FUTURE ->
                    throw new ApiException(ErrorCode.CHALLENGE_INVALID, e.getMessage());
            };
        }
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

    /** This server's id and key, as challenges carry them. */
    public ServerIdentity identity() {
        return identity;
    }
}
