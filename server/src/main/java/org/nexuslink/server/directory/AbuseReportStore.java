// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.directory;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.nexuslink.server.storage.Database;

/** {@code abuse_reports}: one report per reporter and community, and its review state. Thread-safe. */
public final class AbuseReportStore {
    /** Where a report stands. */
    public enum State {
        OPEN,
        UPHELD,
        DISMISSED;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A stored report. */
    public record Report(
            String reportId,
            long communitySeq,
            String communityId,
            String reporter,
            String category,
            String details,
            State state,
            Instant createdAt) {}

    private static final String SELECT = "SELECT r.report_id, r.community_seq, c.community_id, r.reporter, r.category, "
            + "r.details, r.status, r.created_at FROM abuse_reports r JOIN communities c ON c.seq = r.community_seq";

    private final Database database;

    public AbuseReportStore(Database database) {
        this.database = Objects.requireNonNull(database, "database");
    }

    /** Inserts a report; false when this reporter already reported this community. */
    boolean insert(
            Handle h,
            String reportId,
            long communitySeq,
            String reporter,
            String category,
            String details,
            Instant now) {
        return h.createUpdate("INSERT INTO abuse_reports (report_id, community_seq, reporter, category, details, "
                                + "status, created_at) VALUES (:id, :seq, :reporter, :category, :details, 'open', :now) "
                                + "ON CONFLICT (community_seq, reporter) DO NOTHING")
                        .bind("id", reportId)
                        .bind("seq", communitySeq)
                        .bind("reporter", reporter)
                        .bind("category", category)
                        .bind("details", details)
                        .bind("now", now)
                        .execute()
                > 0;
    }

    /** Distinct reporters with an open report on the community. */
    int openReporters(Handle h, long communitySeq) {
        return h.createQuery("SELECT COUNT(DISTINCT reporter) FROM abuse_reports WHERE community_seq = :seq "
                        + "AND status = 'open'")
                .bind("seq", communitySeq)
                .mapTo(Integer.class)
                .one();
    }

    public Optional<Report> find(String reportId) {
        return database.jdbi().withHandle(h -> find(h, reportId));
    }

    Optional<Report> find(Handle h, String reportId) {
        return h.createQuery(SELECT + " WHERE r.report_id = :id")
                .bind("id", reportId)
                .map((rs, ctx) -> new Report(
                        rs.getString(1),
                        rs.getLong(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getString(6),
                        State.valueOf(rs.getString(7).toUpperCase(Locale.ROOT)),
                        Instant.ofEpochMilli(rs.getLong(8))))
                .findOne();
    }

    /** Reports in {@code state}, oldest first. */
    public List<Report> list(State state) {
        return database.jdbi()
                .withHandle(h -> h.createQuery(SELECT + " WHERE r.status = :status ORDER BY r.created_at")
                        .bind("status", state.wire())
                        .map((rs, ctx) -> new Report(
                                rs.getString(1),
                                rs.getLong(2),
                                rs.getString(3),
                                rs.getString(4),
                                rs.getString(5),
                                rs.getString(6),
                                State.valueOf(rs.getString(7).toUpperCase(Locale.ROOT)),
                                Instant.ofEpochMilli(rs.getLong(8))))
                        .list());
    }

    void resolve(Handle h, String reportId, State outcome, Instant now) {
        h.createUpdate("UPDATE abuse_reports SET status = :status, resolved_at = :now WHERE report_id = :id")
                .bind("status", outcome.wire())
                .bind("now", now)
                .bind("id", reportId)
                .execute();
    }
}
