// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.storage;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.jdbi.v3.core.Handle;

/** Reads which tables, columns and indexes a test database has, on either dialect. */
final class SchemaCatalog {

    /** Every table of the current schema, Flyway's history included. */
    static final Set<String> TABLES = Set.of(
            "server_identity",
            "members",
            "devices",
            "prekeys",
            "kyber_prekeys",
            "signed_prekeys",
            "auth_challenges",
            "auth_tokens",
            "channels",
            "channel_members",
            "channel_permissions",
            "channel_conditions",
            "member_overrides",
            "events",
            "event_counters",
            "message_queue",
            "media_store",
            "audit_log",
            "queue_usage",
            "prekey_fetches",
            "device_revocations",
            "kt_state",
            "kt_leaves",
            "kt_nodes",
            "kt_heads",
            "flyway_schema_history");

    private SchemaCatalog() {}

    static Set<String> tables(Database database) {
        String sql = switch (database.dialect()) {
            case SQLITE -> "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'";
            case POSTGRES -> "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()";
        };
        List<String> names = database.jdbi()
                .withHandle(
                        handle -> handle.createQuery(sql).mapTo(String.class).list());
        return new TreeSet<>(names);
    }

    static Set<String> columns(Handle handle, Dialect dialect, String table) {
        List<String> names = switch (dialect) {
            case SQLITE ->
                handle.createQuery("SELECT name FROM pragma_table_info(:table)")
                        .bind("table", table)
                        .mapTo(String.class)
                        .list();
            case POSTGRES ->
                handle.createQuery("SELECT column_name FROM information_schema.columns "
                                + "WHERE table_schema = current_schema() AND table_name = :table")
                        .bind("table", table)
                        .mapTo(String.class)
                        .list();
        };
        return new TreeSet<>(names);
    }

    static Set<String> indexes(Database database) {
        String sql = switch (database.dialect()) {
            case SQLITE -> "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL";
            case POSTGRES ->
                "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() "
                        + "AND indexname NOT LIKE '%_pkey' AND indexname NOT LIKE 'flyway%'";
        };
        List<String> names = database.jdbi()
                .withHandle(
                        handle -> handle.createQuery(sql).mapTo(String.class).list());
        return new TreeSet<>(names);
    }
}
