// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.directory;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.nexuslink.protocol.ErrorCode;
import org.nexuslink.protocol.directory.KycChallenge;
import org.nexuslink.protocol.directory.KycStatus;
import org.nexuslink.protocol.directory.SigningDomains;
import org.nexuslink.server.http.ApiException;
import org.nexuslink.server.storage.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Seed 000's KYC flow: an account's device initiates, the directory answers a nonce and the
 * materials it requires, the client submits the materials sealed to the compliance key (the
 * directory cannot read them), a reviewer decides. The decision today is a person's; a
 * zero-knowledge proof would be another {@link Verifier} deciding at submission. Thread-safe.
 */
public final class KycReviews {
    private static final Logger log = LoggerFactory.getLogger(KycReviews.class);
    /** What a submission must contain, named in the sealed JSON object. */
    public static final List<String> MATERIALS = List.of("government_id", "selfie");
    /** The largest sealed submission accepted (bodies above 64 KiB are refused by the listener). */
    static final int MAX_MATERIALS = 48 * 1024;

    /**
     * Decides a submission on its own, without a reviewer: the seam for a future zero-knowledge
     * proof of identity. Today's directory has none, so every submission waits for a reviewer.
     */
    public interface Verifier {
        /** The outcome, or empty to leave the request pending for a reviewer. */
        Optional<KycStore.State> decide(String account, byte[] sealedMaterials);

        /** Leaves every submission to a reviewer. */
        Verifier MANUAL = (account, materials) -> Optional.empty();
    }

    private final Database database;
    private final KycStore store;
    private final ReplayGuard replay;
    private final Optional<String> complianceKey;
    private final Verifier verifier;
    private final Clock clock;
    private final SecureRandom random;

    public KycReviews(
            Database database,
            KycStore store,
            ReplayGuard replay,
            Optional<String> complianceKey,
            Verifier verifier,
            Clock clock,
            SecureRandom random) {
        this.database = Objects.requireNonNull(database, "database");
        this.store = Objects.requireNonNull(store, "store");
        this.replay = Objects.requireNonNull(replay, "replay");
        this.complianceKey = Objects.requireNonNull(complianceKey, "complianceKey");
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
    }

    /** Step 1-2: a verified request from the account; answers the challenge. */
    KycChallenge initiate(SignedRequests.AccountRequest request) {
        String key = complianceKey.orElseThrow(() -> new ApiException(
                ErrorCode.BAD_REQUEST, "this directory offers no KYC (directory.compliance_key is not set)"));
        String account = request.account().toString();
        replay.check(
                SignedRequests.signer(request.account()),
                request.payload().timestamp(),
                request.payload().nonce());
        byte[] nonce = new byte[16];
        random.nextBytes(nonce);
        String challenge = HexFormat.of().formatHex(nonce);
        database.inTransaction(h -> {
            replay.record(
                    h,
                    SignedRequests.signer(request.account()),
                    request.payload().nonce());
            if (store.isApproved(h, account)) {
                throw new ApiException(ErrorCode.CONFLICT, "the KYC of " + account + " is already approved");
            }
            store.initiate(h, account, challenge, clock.instant());
            return null;
        });
        log.atInfo().addKeyValue("account", account).log("kyc initiated");
        return new KycChallenge(challenge, MATERIALS, key);
    }

    /** Step 3: the sealed materials for the challenge. */
    KycStatus verify(SignedRequests.AccountRequest request) {
        String account = request.account().toString();
        String challenge = request.payload()
                .challenge()
                .orElseThrow(() -> new ApiException(ErrorCode.INVALID_FIELD, "challenge is required"));
        byte[] materials = SignedRequests.base64(
                "materials",
                request.payload()
                        .materials()
                        .orElseThrow(() -> new ApiException(ErrorCode.INVALID_FIELD, "materials are required")));
        if (materials.length < 48 || materials.length > MAX_MATERIALS) {
            throw new ApiException(
                    ErrorCode.INVALID_FIELD,
                    "sealed materials must be 48 to " + MAX_MATERIALS + " bytes, got " + materials.length);
        }
        replay.check(
                SignedRequests.signer(request.account()),
                request.payload().timestamp(),
                request.payload().nonce());
        Instant now = clock.instant();
        database.inTransaction(h -> {
            replay.record(
                    h,
                    SignedRequests.signer(request.account()),
                    request.payload().nonce());
            KycStore.Request current = store.find(h, account)
                    .orElseThrow(() -> new ApiException(
                            ErrorCode.NOT_FOUND, "no KYC request for " + account + "; initiate one first"));
            if (current.state() != KycStore.State.INITIATED
                    || !current.challenge().equals(challenge)) {
                throw new ApiException(
                        ErrorCode.CONFLICT,
                        "challenge " + challenge + " is not the open challenge of " + account + " (state "
                                + current.state().wire() + "); initiate again");
            }
            store.submit(h, account, materials, now);
            return null;
        });
        verifier.decide(account, materials).ifPresent(outcome -> decide(account, outcome, Optional.empty()));
        log.atInfo()
                .addKeyValue("account", account)
                .addKeyValue("bytes", materials.length)
                .log("kyc materials submitted");
        return status(account);
    }

    /** The account's status. */
    public KycStatus status(String account) {
        KycStore.Request r = store.find(account)
                .orElseThrow(() -> new ApiException(ErrorCode.NOT_FOUND, "no KYC request for " + account));
        return new KycStatus(account, r.state().wire(), r.reason());
    }

    /**
     * A reviewer's decision on a pending request; the sealed materials are deleted.
     *
     * @throws ApiException {@code not_found} or {@code conflict} when the request is not pending
     */
    public void decide(String account, KycStore.State outcome, Optional<String> reason) {
        if (outcome != KycStore.State.APPROVED && outcome != KycStore.State.REJECTED) {
            throw new IllegalArgumentException("a decision is approved or rejected, not " + outcome);
        }
        database.inTransaction(h -> {
            KycStore.Request current = store.find(h, account)
                    .orElseThrow(() -> new ApiException(ErrorCode.NOT_FOUND, "no KYC request for " + account));
            if (current.state() != KycStore.State.PENDING) {
                throw new ApiException(
                        ErrorCode.CONFLICT,
                        "the KYC request of " + account + " is "
                                + current.state().wire() + ", not pending");
            }
            store.decide(
                    h, account, outcome, reason.map(r -> r.length() > 500 ? r.substring(0, 500) : r), clock.instant());
            return null;
        });
        database.truncateWriteAheadLog();
        log.atInfo()
                .addKeyValue("account", account)
                .addKeyValue("outcome", outcome.wire())
                .log("kyc decided");
    }

    /** Requests waiting for a reviewer, oldest first. */
    public List<KycStore.Request> pending() {
        return store.list(KycStore.State.PENDING);
    }

    /** One request, with its sealed materials while pending. */
    public Optional<KycStore.Request> find(String account) {
        return store.find(account);
    }

    /** The HPKE info KYC materials are sealed with. */
    public static String sealInfo() {
        return SigningDomains.KYC_MATERIALS;
    }
}
