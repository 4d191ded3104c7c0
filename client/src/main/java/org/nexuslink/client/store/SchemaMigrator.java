// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Brings a profile store's schema to the version this client knows, forward only. Scripts are
 * class-path resources beside this class ({@code V<n>__<description>.sql}); table
 * {@code schema_version} records each applied version with the SHA-256 of its script, so an
 * edited released script, or a store written by a newer client, is refused instead of guessed at.
 *
 * <p>Not Flyway (the server's choice): the client opens its store on every CLI command, and this
 * is a few dozen lines against Flyway's start-up scan and extra jars; later migrations that
 * re-seal values need the store's keys, which a plain Java step here gets directly.
 */
final class SchemaMigrator {
    /** One forward step. */
    record Migration(int version, String description) {
        String resource() {
            return "V" + version + "__" + description + ".sql";
        }
    }

    /** Every migration, in order; append only. */
    static final List<Migration> MIGRATIONS = List.of(new Migration(1, "initial"), new Migration(2, "seen_messages"));

    private SchemaMigrator() {}

    /** The version a store has after {@link #migrate}. */
    static int latest() {
        return MIGRATIONS.getLast().version();
    }

    /**
     * Applies the pending migrations. Call inside a write transaction: SQLite's DDL is
     * transactional, so a failed step leaves the previous version intact.
     *
     * @return the versions this call applied, in order
     * @throws StoreException if the store is newer than this client or a script changed
     */
    static List<Integer> migrate(Connection c, String storeName) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS schema_version ("
                    + "version INTEGER PRIMARY KEY, description TEXT NOT NULL, checksum TEXT NOT NULL)");
        }
        List<Integer> applied = new ArrayList<>();
        try (Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT version, checksum FROM schema_version ORDER BY version")) {
            while (r.next()) {
                int version = r.getInt(1);
                if (version > latest()) {
                    throw new StoreException("the profile store " + storeName + " has schema version " + version
                            + ", newer than this client's " + latest() + ": use a newer NexusLink");
                }
                Migration m = MIGRATIONS.get(version - 1);
                if (!checksum(script(m)).equals(r.getString(2))) {
                    throw new StoreException("the profile store " + storeName + " was migrated with a different "
                            + m.resource() + " than this client's: a released migration was edited");
                }
                applied.add(version);
            }
        }
        List<Integer> now = new ArrayList<>();
        for (Migration m : MIGRATIONS) {
            if (applied.contains(m.version())) {
                continue;
            }
            now.add(m.version());
            String script = script(m);
            try (Statement s = c.createStatement()) {
                for (String statement : statements(script)) {
                    s.execute(statement);
                }
            }
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO schema_version (version, description, checksum) VALUES (?, ?, ?)")) {
                s.setInt(1, m.version());
                s.setString(2, m.description());
                s.setString(3, checksum(script));
                s.executeUpdate();
            }
        }
        return now;
    }

    /** The statements of a script: comment lines dropped, split at each semicolon. */
    static List<String> statements(String script) {
        StringBuilder kept = new StringBuilder();
        for (String line : script.split("\n")) {
            if (!line.strip().startsWith("--")) {
                kept.append(line).append('\n');
            }
        }
        List<String> statements = new ArrayList<>();
        for (String part : kept.toString().split(";")) {
            if (!part.isBlank()) {
                statements.add(part.strip());
            }
        }
        return statements;
    }

    private static String script(Migration m) {
        try (InputStream in = SchemaMigrator.class.getResourceAsStream(m.resource())) {
            if (in == null) {
                throw new IllegalStateException("migration " + m.resource() + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read migration " + m.resource(), e);
        }
    }

    private static String checksum(String script) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(script.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is unavailable in this JDK", e);
        }
    }
}
