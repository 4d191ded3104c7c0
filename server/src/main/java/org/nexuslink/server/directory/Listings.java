// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.directory;

import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.nexuslink.crypto.pow.ProofOfWork;
import org.nexuslink.crypto.server.ServerKeyPair;
import org.nexuslink.protocol.ErrorCode;
import org.nexuslink.protocol.directory.CommunityListing;
import org.nexuslink.protocol.directory.CommunityNotice;
import org.nexuslink.protocol.directory.CommunityRegistration;
import org.nexuslink.protocol.directory.SearchResults;
import org.nexuslink.protocol.directory.SigningDomains;
import org.nexuslink.server.config.Config;
import org.nexuslink.server.http.ApiException;
import org.nexuslink.server.storage.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The directory's listing use cases: register, update, delete, heartbeat, get and search.
 * Each verifies before it writes (signature, replay, proof of work, KYC, the live endpoint, in
 * that order; the network check runs outside any transaction) and writes in one transaction.
 * Thread-safe.
 */
public final class Listings {
    private static final Logger log = LoggerFactory.getLogger(Listings.class);
    /** The largest page a search returns. */
    public static final int MAX_PAGE = 50;

    private final Database database;
    private final CommunityStore communities;
    private final KycStore kyc;
    private final ReplayGuard replay;
    private final EndpointCheck endpoints;
    private final ServerKeyPair directoryKey;
    private final Config.Directory settings;
    private final Clock clock;
    private final SecureRandom random;

    public Listings(
            Database database,
            CommunityStore communities,
            KycStore kyc,
            ReplayGuard replay,
            EndpointCheck endpoints,
            ServerKeyPair directoryKey,
            Config.Directory settings,
            Clock clock,
            SecureRandom random) {
        this.database = Objects.requireNonNull(database, "database");
        this.communities = Objects.requireNonNull(communities, "communities");
        this.kyc = Objects.requireNonNull(kyc, "kyc");
        this.replay = Objects.requireNonNull(replay, "replay");
        this.endpoints = Objects.requireNonNull(endpoints, "endpoints");
        this.directoryKey = Objects.requireNonNull(directoryKey, "directoryKey");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
    }

    /**
     * Registers a community.
     *
     * @throws ApiException {@code bad_signature}, {@code replayed_request},
     *     {@code proof_of_work_invalid}, {@code kyc_required}, {@code conflict} (the key is listed
     *     already), {@code endpoint_check_failed} or {@code invalid_field}
     */
    public CommunityListing register(SignedRequests.Unverified<CommunityRegistration> request) {
        CommunityRegistration r = request.payload();
        ListingDetails details = ListingDetails.of(r);
        SignedRequests.verify(request, SigningDomains.REGISTER, details.serverKey());
        String signer = SignedRequests.signer(details.serverKey());
        replay.check(signer, r.timestamp(), r.nonce());
        if (!ProofOfWork.verify(
                SigningDomains.powChallenge(r.directory(), r.serverKey(), r.nonce()),
                settings.powDifficulty(),
                r.pow())) {
            throw new ApiException(
                    ErrorCode.PROOF_OF_WORK_INVALID,
                    "pow " + r.pow() + " does not give " + settings.powDifficulty() + " leading zero bits");
        }
        requireKyc(details);
        if (database.jdbi()
                .withHandle(h -> communities.findByKey(h, details.serverKey()))
                .isPresent()) {
            throw new ApiException(
                    ErrorCode.CONFLICT,
                    "server key " + details.serverKey().base64()
                            + " is already registered; update or delete that listing");
        }
        endpoints.verify(details.endpoint(), details.serverKey());
        Instant now = clock.instant();
        String id = "nxc-" + HexFormat.of().formatHex(randomBytes(16));
        Listing listing = database.inTransaction(h -> {
            replay.record(h, signer, r.nonce());
            if (communities.findByKey(h, details.serverKey()).isPresent()) {
                throw new ApiException(
                        ErrorCode.CONFLICT, "server key " + details.serverKey().base64() + " is already registered");
            }
            Listing inserted = communities.insert(
                    h,
                    id,
                    details,
                    now,
                    new Reputation(0, 0, now, Optional.empty(), 0).score(now, settings.unreachableAfter()),
                    now.plus(settings.probeInterval()));
            return inserted;
        });
        log.atInfo()
                .addKeyValue("community", id)
                .addKeyValue("endpoint", details.endpoint())
                .log("community registered");
        return view(listing);
    }

    /**
     * Updates a listing; the request must be signed by the key it was registered with.
     *
     * @throws ApiException {@code not_found}, {@code forbidden} (another key), and as {@link #register}
     */
    public CommunityListing update(String communityId, SignedRequests.Unverified<CommunityRegistration> request) {
        Listing current = existing(communityId);
        CommunityRegistration r = request.payload();
        ListingDetails details = ListingDetails.of(r);
        requireKey(request, SigningDomains.UPDATE, current, details.serverKey().equals(current.serverKey()));
        String signer = SignedRequests.signer(current.serverKey());
        replay.check(signer, r.timestamp(), r.nonce());
        if (!details.admin().toString().equals(current.adminAccount())) {
            requireKyc(details);
        }
        if (!details.endpoint().toString().equals(current.endpoint())) {
            endpoints.verify(details.endpoint(), current.serverKey());
        }
        Instant now = clock.instant();
        database.inTransaction(h -> {
            replay.record(h, signer, r.nonce());
            communities.update(h, current.seq(), details, now);
            return null;
        });
        log.atInfo().addKeyValue("community", communityId).log("community listing updated");
        return view(communities.find(communityId).orElseThrow());
    }

    /**
     * Deletes a listing, signed by its key.
     *
     * @throws ApiException {@code not_found}, {@code forbidden}, {@code bad_signature}, {@code replayed_request}
     */
    public void delete(String communityId, SignedRequests.Unverified<CommunityNotice> request) {
        Listing current = existing(communityId);
        CommunityNotice notice = request.payload();
        requireKey(request, SigningDomains.DELETE, current, notice.communityId().equals(communityId));
        String signer = SignedRequests.signer(current.serverKey());
        replay.check(signer, notice.timestamp(), notice.nonce());
        database.inTransaction(h -> {
            replay.record(h, signer, notice.nonce());
            communities.delete(h, current.seq());
            return null;
        });
        log.atInfo().addKeyValue("community", communityId).log("community deleted from the directory");
    }

    /** Records a signed heartbeat: the community is alive and its reputation counts it. */
    public CommunityListing heartbeat(String communityId, SignedRequests.Unverified<CommunityNotice> request) {
        Listing current = existing(communityId);
        CommunityNotice notice = request.payload();
        requireKey(
                request, SigningDomains.HEARTBEAT, current, notice.communityId().equals(communityId));
        String signer = SignedRequests.signer(current.serverKey());
        replay.check(signer, notice.timestamp(), notice.nonce());
        Instant now = clock.instant();
        database.inTransaction(h -> {
            replay.record(h, signer, notice.nonce());
            communities.recordHeartbeat(h, current.seq(), now, settings.unreachableAfter());
            return null;
        });
        log.atDebug().addKeyValue("community", communityId).log("heartbeat");
        return view(communities.find(communityId).orElseThrow());
    }

    /** A listing, suspended or not. */
    public CommunityListing get(String communityId) {
        return view(existing(communityId));
    }

    /**
     * Searches active, recently seen communities.
     *
     * @throws ApiException {@code invalid_field} for a bad tag, limit or offset
     */
    public SearchResults search(String text, List<String> tags, int limit, int offset) {
        if (limit < 1 || limit > MAX_PAGE || offset < 0 || offset > 10_000) {
            throw new ApiException(
                    ErrorCode.INVALID_FIELD,
                    "limit must be 1 to " + MAX_PAGE + " and offset 0 to 10000, got " + limit + " and " + offset);
        }
        if (text.length() > 200 || tags.size() > ListingDetails.MAX_TAGS) {
            throw new ApiException(
                    ErrorCode.INVALID_FIELD,
                    "q must be at most 200 characters and at most " + ListingDetails.MAX_TAGS + " tags");
        }
        if (!text.isBlank() && offset + limit > CommunityStore.CANDIDATES) {
            throw new ApiException(
                    ErrorCode.INVALID_FIELD,
                    "a text search pages through its best " + CommunityStore.CANDIDATES
                            + " matches: offset + limit must be at most that; narrow the query");
        }
        List<String> normalised = tags.stream()
                .map(t -> ListingDetails.checkTag(t.strip().toLowerCase(Locale.ROOT)))
                .toList();
        List<Listing> rows = communities.search(
                new CommunityStore.SearchQuery(CommunityStore.SearchQuery.terms(text), normalised, limit, offset),
                clock.instant().minus(settings.unreachableAfter()));
        boolean more = rows.size() > limit;
        List<CommunityListing> page = rows.stream().limit(limit).map(this::view).toList();
        return new SearchResults(page, more ? Optional.of(offset + limit) : Optional.empty());
    }

    private Listing existing(String communityId) {
        return communities
                .find(communityId)
                .orElseThrow(() ->
                        new ApiException(ErrorCode.NOT_FOUND, "no community " + communityId + " in this directory"));
    }

    private static void requireKey(
            SignedRequests.Unverified<?> request, String domain, Listing current, boolean named) {
        if (!current.serverKey().verify(domain, request.bytes(), request.signature()) || !named) {
            throw new ApiException(
                    ErrorCode.FORBIDDEN,
                    "the request is not signed by the server key community " + current.communityId()
                            + " registered with, or names another community or key");
        }
    }

    private void requireKyc(ListingDetails details) {
        boolean approved = database.jdbi()
                .withHandle(h -> kyc.isApproved(h, details.admin().toString()));
        if (!approved) {
            throw new ApiException(
                    ErrorCode.KYC_REQUIRED,
                    "admin account " + details.admin() + " has no approved KYC at this directory");
        }
    }

    /** The listing as the API shows it, signed with the directory's key. */
    CommunityListing view(Listing l) {
        String key = l.serverKey().base64();
        byte[] signature = directoryKey.sign(
                SigningDomains.LISTING, SigningDomains.listingBytes(l.communityId(), key, l.endpoint()));
        return new CommunityListing(
                l.communityId(),
                l.name(),
                l.description(),
                l.tags(),
                l.endpoint(),
                key,
                l.adminAccount(),
                l.verified(),
                Math.round(l.reputation() * 1000) / 1000.0,
                l.status().name().toLowerCase(Locale.ROOT),
                l.registeredAt().toEpochMilli(),
                l.lastSeenAt().toEpochMilli(),
                java.util.Base64.getEncoder().encodeToString(signature));
    }

    private byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        random.nextBytes(bytes);
        return bytes;
    }

    /** For the prober: how long to wait after {@code failures} consecutive failed probes (doubling, at most 16 intervals). */
    Duration backoff(int failures) {
        return settings.probeInterval().multipliedBy(1L << Math.min(4, Math.max(0, failures)));
    }

    /** The endpoint of a listing as a URI. */
    static URI endpoint(Listing listing) {
        return URI.create(listing.endpoint());
    }
}
