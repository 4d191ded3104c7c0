// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.directory;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;
import org.nexuslink.crypto.server.ServerPublicKey;
import org.nexuslink.server.storage.Database;
import org.nexuslink.server.storage.Dialect;

/**
 * The directory's listing: {@code communities}, their tags and the full-text index (SQLite FTS5
 * {@code community_search}, kept in step here; PostgreSQL's generated {@code tsvector}). All SQL
 * for a listed community lives here. Thread-safe.
 */
public final class CommunityStore {
    /** At most this many words of a query are searched. */
    static final int MAX_QUERY_TERMS = 8;
    /** A text search re-ranks (by reputation) and pages through at most this many best text matches. */
    public static final int CANDIDATES = 1000;

    private static final String COLUMNS = "c.seq, c.community_id, c.name, c.description, c.tags, c.endpoint, "
            + "c.admin_account, c.server_key, c.status, c.registered_at, c.updated_at, c.last_heartbeat_at, "
            + "c.last_seen_at, c.probes_total, c.probes_ok, c.probe_failures, c.reputation, "
            + "CASE WHEN k.status = 'approved' THEN 1 ELSE 0 END AS verified, "
            + "(SELECT COUNT(*) FROM abuse_reports r WHERE r.community_seq = c.seq AND r.status = 'open') AS open_reports";
    private static final String FROM = " FROM communities c LEFT JOIN kyc_requests k ON k.account_id = c.admin_account";

    private final Database database;

    public CommunityStore(Database database) {
        this.database = Objects.requireNonNull(database, "database");
    }

    /** What a search asks for. {@code terms} are already split into words; empty lists by reputation. */
    public record SearchQuery(List<String> terms, List<String> tags, int limit, int offset) {
        public SearchQuery {
            terms = List.copyOf(terms);
            tags = List.copyOf(tags);
        }

        /** The words of free text: letters and digits, lower case, at most {@value #MAX_QUERY_TERMS}. */
        public static List<String> terms(String text) {
            return Arrays.stream(text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+"))
                    .filter(t -> !t.isEmpty())
                    .map(t -> t.length() > 64 ? t.substring(0, 64) : t)
                    .distinct()
                    .limit(MAX_QUERY_TERMS)
                    .toList();
        }
    }

    /** Inserts a new listing in {@code h}'s transaction; returns its row. */
    public Listing insert(
            Handle h, String communityId, ListingDetails details, Instant now, double reputation, Instant nextProbe) {
        insertRow(h, communityId, details, now, reputation, nextProbe);
        return find(h, communityId).orElseThrow();
    }

    /** As {@link #insert}, returning only the row's {@code seq} (bulk loads). */
    public long insertRow(
            Handle h, String communityId, ListingDetails details, Instant now, double reputation, Instant nextProbe) {
        long seq = h.createUpdate("INSERT INTO communities (community_id, name, description, tags, endpoint, "
                        + "admin_account, server_key, status, registered_at, updated_at, last_seen_at, next_probe_at, "
                        + "reputation) VALUES (:id, :name, :description, :tags, :endpoint, :admin, :key, 'active', :now, "
                        + ":now, :now, :next, :reputation)")
                .bind("id", communityId)
                .bind("name", details.name())
                .bind("description", details.description())
                .bind("tags", String.join(" ", details.tags()))
                .bind("endpoint", details.endpoint().toString())
                .bind("admin", details.admin().toString())
                .bind("key", details.serverKey().bytes())
                .bind("now", now)
                .bind("next", nextProbe)
                .bind("reputation", reputation)
                .executeAndReturnGeneratedKeys("seq")
                .mapTo(Long.class)
                .one();
        writeTags(h, seq, details.tags());
        writeSearch(h, seq, details);
        return seq;
    }

    /** Replaces name, description, tags, endpoint and admin of a listing in {@code h}'s transaction. */
    public void update(Handle h, long seq, ListingDetails details, Instant now) {
        h.createUpdate("UPDATE communities SET name = :name, description = :description, tags = :tags, "
                        + "endpoint = :endpoint, admin_account = :admin, updated_at = :now WHERE seq = :seq")
                .bind("name", details.name())
                .bind("description", details.description())
                .bind("tags", String.join(" ", details.tags()))
                .bind("endpoint", details.endpoint().toString())
                .bind("admin", details.admin().toString())
                .bind("now", now)
                .bind("seq", seq)
                .execute();
        h.createUpdate("DELETE FROM community_tags WHERE community_seq = :seq")
                .bind("seq", seq)
                .execute();
        writeTags(h, seq, details.tags());
        if (database.dialect() == Dialect.SQLITE) {
            h.createUpdate("DELETE FROM community_search WHERE rowid = :seq")
                    .bind("seq", seq)
                    .execute();
        }
        writeSearch(h, seq, details);
    }

    /** Deletes a listing (its tags and reports go with it); returns whether it existed. */
    public boolean delete(Handle h, long seq) {
        if (database.dialect() == Dialect.SQLITE) {
            h.createUpdate("DELETE FROM community_search WHERE rowid = :seq")
                    .bind("seq", seq)
                    .execute();
        }
        return h.createUpdate("DELETE FROM communities WHERE seq = :seq")
                        .bind("seq", seq)
                        .execute()
                > 0;
    }

    private static void writeTags(Handle h, long seq, List<String> tags) {
        for (String tag : tags) {
            h.createUpdate("INSERT INTO community_tags (tag, community_seq) VALUES (:tag, :seq)")
                    .bind("tag", tag)
                    .bind("seq", seq)
                    .execute();
        }
    }

    private void writeSearch(Handle h, long seq, ListingDetails details) {
        if (database.dialect() == Dialect.SQLITE) {
            h.createUpdate("INSERT INTO community_search (rowid, name, description, tags) "
                            + "VALUES (:seq, :name, :description, :tags)")
                    .bind("seq", seq)
                    .bind("name", details.name())
                    .bind("description", details.description())
                    .bind("tags", String.join(" ", details.tags()))
                    .execute();
        }
    }

    /** The listing with this id, suspended or not. */
    public Optional<Listing> find(String communityId) {
        return database.jdbi().withHandle(h -> find(h, communityId));
    }

    Optional<Listing> find(Handle h, String communityId) {
        return h.createQuery("SELECT " + COLUMNS + FROM + " WHERE c.community_id = :id")
                .bind("id", communityId)
                .map((rs, ctx) -> row(rs))
                .findOne();
    }

    /** The listing registered with this server key. */
    public Optional<Listing> findByKey(Handle h, ServerPublicKey key) {
        return h.createQuery("SELECT " + COLUMNS + FROM + " WHERE c.server_key = :key")
                .bind("key", key.bytes())
                .map((rs, ctx) -> row(rs))
                .findOne();
    }

    /**
     * Active communities seen since {@code seenSince} that match every term (as a prefix) and carry
     * every tag, best first: relevance times {@code 0.5 + reputation}, or reputation alone without
     * terms. Returns at most {@code limit + 1} rows, so the caller knows whether more follow.
     */
    public List<Listing> search(SearchQuery query, Instant seenSince) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS);
        boolean sqlite = database.dialect() == Dialect.SQLITE;
        boolean text = !query.terms().isEmpty();
        if (text && sqlite) {
            // The text engine ranks every match but only the best CANDIDATES are joined to their
            // rows and re-ranked with reputation: joining every match costs a row read each.
            // CROSS JOIN fixes the join order (SQLite's planner may otherwise run the MATCH once
            // per communities row: seconds at 10,000 listings instead of milliseconds).
            sql.append(", s.relevance * (0.5 + c.reputation) AS score")
                    .append(" FROM (SELECT rowid AS seq, bm25(community_search, 10.0, 1.0, 5.0) AS relevance")
                    .append(" FROM community_search WHERE community_search MATCH :match ORDER BY relevance LIMIT ")
                    .append(CANDIDATES)
                    .append(") s CROSS JOIN communities c ON c.seq = s.seq")
                    .append(" LEFT JOIN kyc_requests k ON k.account_id = c.admin_account WHERE 1 = 1");
        } else if (text) {
            sql.append(", s.relevance * (0.5 + c.reputation) AS score")
                    .append(" FROM (SELECT seq, ts_rank(search, to_tsquery('simple', :match)) AS relevance")
                    .append(
                            " FROM communities WHERE search @@ to_tsquery('simple', :match) ORDER BY relevance DESC LIMIT ")
                    .append(CANDIDATES)
                    .append(") s JOIN communities c ON c.seq = s.seq")
                    .append(" LEFT JOIN kyc_requests k ON k.account_id = c.admin_account WHERE 1 = 1");
        } else {
            sql.append(FROM).append(" WHERE 1 = 1");
        }
        sql.append(" AND c.status = 'active' AND c.last_seen_at >= :since");
        for (int i = 0; i < query.tags().size(); i++) {
            sql.append(" AND EXISTS (SELECT 1 FROM community_tags t WHERE t.community_seq = c.seq AND t.tag = :tag")
                    .append(i)
                    .append(')');
        }
        if (text) {
            sql.append(sqlite ? " ORDER BY score ASC, c.seq" : " ORDER BY score DESC, c.seq");
        } else {
            sql.append(" ORDER BY c.reputation DESC, c.seq");
        }
        sql.append(" LIMIT :limit OFFSET :offset");
        return database.jdbi().withHandle(h -> {
            Query q = h.createQuery(sql.toString())
                    .bind("since", seenSince)
                    .bind("limit", query.limit() + 1)
                    .bind("offset", query.offset());
            if (text) {
                q.bind(
                        "match",
                        sqlite
                                ? query.terms().stream()
                                        .map(t -> "\"" + t + "\"*")
                                        .collect(Collectors.joining(" "))
                                : query.terms().stream().map(t -> t + ":*").collect(Collectors.joining(" & ")));
            }
            for (int i = 0; i < query.tags().size(); i++) {
                q.bind("tag" + i, query.tags().get(i));
            }
            return q.map((rs, ctx) -> row(rs)).list();
        });
    }

    /** Listings whose probe is due at {@code now}, oldest due first. */
    public List<Listing> dueForProbe(Instant now, int limit) {
        return database.jdbi()
                .withHandle(h -> h.createQuery("SELECT " + COLUMNS + FROM
                                + " WHERE c.next_probe_at <= :now ORDER BY c.next_probe_at LIMIT :limit")
                        .bind("now", now)
                        .bind("limit", limit)
                        .map((rs, ctx) -> row(rs))
                        .list());
    }

    /** Records a probe's outcome, when the next is due and the new reputation. */
    public void recordProbe(long seq, boolean answered, Instant now, Instant next, Duration heartbeatWindow) {
        database.inTransaction(h -> {
            h.createUpdate(
                            answered
                                    ? "UPDATE communities SET probes_total = probes_total + 1, probes_ok = probes_ok + 1, "
                                            + "probe_failures = 0, last_seen_at = :now, next_probe_at = :next WHERE seq = :seq"
                                    : "UPDATE communities SET probes_total = probes_total + 1, "
                                            + "probe_failures = probe_failures + 1, next_probe_at = :next WHERE seq = :seq")
                    .bind("now", now)
                    .bind("next", next)
                    .bind("seq", seq)
                    .execute();
            rescore(h, seq, now, heartbeatWindow);
            return null;
        });
    }

    /** Records a heartbeat: the community was seen now. */
    public void recordHeartbeat(Handle h, long seq, Instant now, Duration heartbeatWindow) {
        h.createUpdate("UPDATE communities SET last_heartbeat_at = :now, last_seen_at = :now WHERE seq = :seq")
                .bind("now", now)
                .bind("seq", seq)
                .execute();
        rescore(h, seq, now, heartbeatWindow);
    }

    /** Suspends or reinstates a listing. */
    public void setStatus(Handle h, long seq, Listing.Status status, Instant now) {
        h.createUpdate("UPDATE communities SET status = :status, suspended_at = :at WHERE seq = :seq")
                .bind("status", status.name().toLowerCase(Locale.ROOT))
                .bind("at", status == Listing.Status.SUSPENDED ? now : null)
                .bind("seq", seq)
                .execute();
    }

    /** Recomputes and stores a listing's reputation from its current row. */
    public void rescore(Handle h, long seq, Instant now, Duration heartbeatWindow) {
        Listing listing = h.createQuery("SELECT " + COLUMNS + FROM + " WHERE c.seq = :seq")
                .bind("seq", seq)
                .map((rs, ctx) -> row(rs))
                .one();
        h.createUpdate("UPDATE communities SET reputation = :reputation WHERE seq = :seq")
                .bind("reputation", listing.reputationInputs().score(now, heartbeatWindow))
                .bind("seq", seq)
                .execute();
    }

    /** How many communities are listed, suspended ones included. */
    public long count() {
        return database.jdbi()
                .withHandle(h -> h.createQuery("SELECT COUNT(*) FROM communities")
                        .mapTo(Long.class)
                        .one());
    }

    private static Listing row(ResultSet rs) throws SQLException {
        long heartbeat = rs.getLong("last_heartbeat_at");
        Optional<Instant> lastHeartbeat =
                rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(heartbeat));
        String tags = rs.getString("tags");
        List<String> tagList = tags.isEmpty() ? List.of() : new ArrayList<>(Arrays.asList(tags.split(" ")));
        return new Listing(
                rs.getLong("seq"),
                rs.getString("community_id"),
                rs.getString("name"),
                rs.getString("description"),
                tagList,
                rs.getString("endpoint"),
                rs.getString("admin_account"),
                ServerPublicKey.of(rs.getBytes("server_key")),
                Listing.Status.valueOf(rs.getString("status").toUpperCase(Locale.ROOT)),
                Instant.ofEpochMilli(rs.getLong("registered_at")),
                Instant.ofEpochMilli(rs.getLong("updated_at")),
                lastHeartbeat,
                Instant.ofEpochMilli(rs.getLong("last_seen_at")),
                rs.getLong("probes_total"),
                rs.getLong("probes_ok"),
                rs.getInt("probe_failures"),
                rs.getDouble("reputation"),
                rs.getInt("verified") == 1,
                rs.getInt("open_reports"));
    }
}
