// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.nexuslink.server.storage.DatabaseUrl;
import org.nexuslink.server.testing.ByteSearch;

/**
 * Looks for known plaintexts where they must never be: every byte the server stored (SQLite
 * files with their WAL, or every row of every table of the PostgreSQL schema) and every file under
 * a directory (the server's data and media folder, the clients' profiles and logs).
 */
final class PlaintextSearch {
    /** Something searched: a name for the failure message and its bytes. */
    record Stored(String name, byte[] bytes) {}

    private PlaintextSearch() {}

    /** Fails if any secret (as UTF-8, or its hex) occurs in any source. */
    @SafeVarargs
    static void assertAbsent(List<String> secrets, List<Stored>... sources) {
        int searched = 0;
        for (List<Stored> source : sources) {
            for (Stored stored : source) {
                searched++;
                for (String secret : secrets) {
                    byte[] needle = secret.getBytes(UTF_8);
                    assertThat(ByteSearch.indexOf(stored.bytes(), needle))
                            .as("\"" + secret + "\" in " + stored.name())
                            .isEqualTo(-1);
                    byte[] hex = HexFormat.of().formatHex(needle).getBytes(UTF_8);
                    assertThat(ByteSearch.indexOf(stored.bytes(), hex))
                            .as("hex of \"" + secret + "\" in " + stored.name())
                            .isEqualTo(-1);
                }
            }
        }
        assertThat(searched).as("something was searched").isPositive();
    }

    /** The server database's bytes: the SQLite files, or each PostgreSQL table's rows as text. */
    static List<Stored> serverDatabase(DatabaseUrl url) {
        return switch (url) {
            case DatabaseUrl.Sqlite sqlite ->
                Stream.of("", "-wal", "-shm")
                        .map(suffix -> Path.of(sqlite.file().toAbsolutePath() + suffix))
                        .filter(Files::exists)
                        .map(PlaintextSearch::read)
                        .toList();
            case DatabaseUrl.Postgres pg -> postgresRows(pg);
        };
    }

    /** Every regular file under {@code root}. */
    static List<Stored> filesUnder(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).map(PlaintextSearch::read).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Stored read(Path file) {
        try {
            return new Stored(file.toString(), Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Stored> postgresRows(DatabaseUrl.Postgres pg) {
        String schema = pg.schema().orElse("public");
        List<Stored> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password());
                Statement s = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet r = s.executeQuery(
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = '" + schema + "'")) {
                while (r.next()) {
                    tables.add(r.getString(1));
                }
            }
            for (String table : tables) {
                StringBuilder all = new StringBuilder();
                try (ResultSet r = s.executeQuery("SELECT t::text FROM " + schema + ".\"" + table + "\" t")) {
                    while (r.next()) {
                        all.append(r.getString(1)).append('\n');
                    }
                }
                rows.add(new Stored(
                        "postgres " + schema + "." + table, all.toString().getBytes(UTF_8)));
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("cannot read the PostgreSQL schema " + schema, e);
        }
        return rows;
    }
}
