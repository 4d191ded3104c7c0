// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.directory;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.nexuslink.protocol.ErrorCode;
import org.nexuslink.protocol.directory.ReportStatus;
import org.nexuslink.server.http.ApiException;
import org.nexuslink.server.storage.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Seed 000's abuse reports: signed by the reporter's device, one per reporter and community.
 * When the distinct reporters with open reports reach {@code directory.report_threshold}, the
 * community is suspended (it leaves search results) and waits for review; a reviewer upholds or
 * dismisses reports, and a suspended community whose open reports fall below the threshold with
 * none upheld is listed again. Thread-safe.
 */
public final class AbuseReports {
    private static final Logger log = LoggerFactory.getLogger(AbuseReports.class);
    public static final Set<String> CATEGORIES = Set.of("spam", "illegal", "harassment", "impersonation", "other");

    private final Database database;
    private final AbuseReportStore store;
    private final CommunityStore communities;
    private final ReplayGuard replay;
    private final int threshold;
    private final Duration heartbeatWindow;
    private final Clock clock;
    private final SecureRandom random;

    public AbuseReports(
            Database database,
            AbuseReportStore store,
            CommunityStore communities,
            ReplayGuard replay,
            int threshold,
            Duration heartbeatWindow,
            Clock clock,
            SecureRandom random) {
        this.database = Objects.requireNonNull(database, "database");
        this.store = Objects.requireNonNull(store, "store");
        this.communities = Objects.requireNonNull(communities, "communities");
        this.replay = Objects.requireNonNull(replay, "replay");
        this.threshold = threshold;
        this.heartbeatWindow = Objects.requireNonNull(heartbeatWindow, "heartbeatWindow");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
    }

    /**
     * Files a report.
     *
     * @throws ApiException {@code invalid_field}, {@code not_found} (no such community),
     *     {@code conflict} (already reported by this account), {@code replayed_request}
     */
    ReportStatus report(SignedRequests.AccountRequest request) {
        var p = request.payload();
        String communityId = p.communityId()
                .orElseThrow(() -> new ApiException(ErrorCode.INVALID_FIELD, "community_id is required"));
        String category = p.category().orElse("other");
        if (!CATEGORIES.contains(category)) {
            throw new ApiException(
                    ErrorCode.INVALID_FIELD, "category must be one of " + CATEGORIES + ", got '" + category + "'");
        }
        String details = p.details().orElse("").strip();
        if (details.length() > 2000) {
            throw new ApiException(ErrorCode.INVALID_FIELD, "details must be at most 2000 characters");
        }
        String reporter = request.account().toString();
        replay.check(SignedRequests.signer(request.account()), p.timestamp(), p.nonce());
        byte[] raw = new byte[16];
        random.nextBytes(raw);
        String reportId = "nxr-" + HexFormat.of().formatHex(raw);
        Instant now = clock.instant();
        boolean suspended = database.inTransaction(h -> {
            replay.record(h, SignedRequests.signer(request.account()), p.nonce());
            Listing listing = communities
                    .find(h, communityId)
                    .orElseThrow(() -> new ApiException(
                            ErrorCode.NOT_FOUND, "no community " + communityId + " in this directory"));
            if (!store.insert(h, reportId, listing.seq(), reporter, category, details, now)) {
                throw new ApiException(ErrorCode.CONFLICT, reporter + " already reported " + communityId);
            }
            communities.rescore(h, listing.seq(), now, heartbeatWindow);
            if (listing.status() == Listing.Status.ACTIVE && store.openReporters(h, listing.seq()) >= threshold) {
                communities.setStatus(h, listing.seq(), Listing.Status.SUSPENDED, now);
                return true;
            }
            return false;
        });
        log.atInfo()
                .addKeyValue("community", communityId)
                .addKeyValue("report", reportId)
                .addKeyValue("category", category)
                .log("abuse reported");
        if (suspended) {
            log.atWarn()
                    .addKeyValue("community", communityId)
                    .addKeyValue("threshold", threshold)
                    .log("community suspended by reports; review it");
        }
        return new ReportStatus(reportId, communityId, AbuseReportStore.State.OPEN.wire(), now.toEpochMilli());
    }

    /** The report as its reporter sees it; another account gets {@code not_found}. */
    ReportStatus status(SignedRequests.AccountRequest request, String reportId) {
        AbuseReportStore.Report report = store.find(reportId)
                .filter(r -> r.reporter().equals(request.account().toString()))
                .orElseThrow(() -> new ApiException(ErrorCode.NOT_FOUND, "no report " + reportId + " of yours"));
        return new ReportStatus(
                report.reportId(),
                report.communityId(),
                report.state().wire(),
                report.createdAt().toEpochMilli());
    }

    /** Reports in a state, oldest first. */
    public List<AbuseReportStore.Report> list(AbuseReportStore.State state) {
        return store.list(state);
    }

    /**
     * A reviewer's decision. Dismissing reports of a suspended community lists it again once its
     * open reports are below the threshold and none is upheld; upholding keeps it suspended.
     *
     * @throws ApiException {@code not_found}, or {@code conflict} when the report is resolved already
     */
    public void resolve(String reportId, AbuseReportStore.State outcome) {
        if (outcome == AbuseReportStore.State.OPEN) {
            throw new IllegalArgumentException("a report is resolved as upheld or dismissed");
        }
        Instant now = clock.instant();
        database.inTransaction(h -> {
            AbuseReportStore.Report report = store.find(h, reportId)
                    .orElseThrow(() -> new ApiException(ErrorCode.NOT_FOUND, "no report " + reportId));
            if (report.state() != AbuseReportStore.State.OPEN) {
                throw new ApiException(
                        ErrorCode.CONFLICT,
                        "report " + reportId + " is already " + report.state().wire());
            }
            store.resolve(h, reportId, outcome, now);
            if (outcome == AbuseReportStore.State.UPHELD) {
                communities.setStatus(h, report.communitySeq(), Listing.Status.SUSPENDED, now);
            } else {
                boolean anyUpheld = h.createQuery("SELECT COUNT(*) FROM abuse_reports WHERE community_seq = :seq "
                                        + "AND status = 'upheld'")
                                .bind("seq", report.communitySeq())
                                .mapTo(Integer.class)
                                .one()
                        > 0;
                if (!anyUpheld && store.openReporters(h, report.communitySeq()) < threshold) {
                    communities.setStatus(h, report.communitySeq(), Listing.Status.ACTIVE, now);
                }
            }
            communities.rescore(h, report.communitySeq(), now, heartbeatWindow);
            return null;
        });
        log.atInfo()
                .addKeyValue("report", reportId)
                .addKeyValue("outcome", outcome.wire())
                .log("abuse report resolved");
    }
}
