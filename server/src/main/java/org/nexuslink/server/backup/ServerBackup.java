// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.backup;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.nexuslink.server.config.Config;
import org.nexuslink.server.ops.Version;
import org.nexuslink.server.storage.DatabaseUrl;

/**
 * Online backup of a server on the embedded SQLite database: one zip archive with the database,
 * the local media files, the server key (when present) and a {@link BackupManifest}.
 *
 * <p>The database is copied with SQLite's {@code VACUUM INTO}, which reads inside one read
 * transaction: in WAL mode it neither blocks the running server's writer nor sees half of a
 * commit, so the copy holds exactly the transactions committed before it began (every message
 * the server had acknowledged by then, since the server commits before it acknowledges). Media
 * files are copied after the database, so every file the copied database names is there; files
 * uploaded meanwhile come along as orphans, which the server's media sweep removes. Uploads in
 * flight ({@code media/staging}) are left out.
 *
 * <p>Stateless; each call works on its own connection and files.
 */
public final class ServerBackup {
    /** Ignores fields it does not know, so a newer archive fails on its {@code format}, clearly. */
    static final ObjectMapper JSON = new ObjectMapper()
            .disable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private ServerBackup() {}

    /**
     * Writes a backup of the server {@code config} describes to {@code archive}, which must not
     * exist yet. The archive appears only once complete (written beside it, then moved), and is
     * readable by its owner only: it holds the server's private key.
     *
     * @return the manifest written into the archive
     * @throws BackupException when the database is not SQLite or missing, or writing fails
     */
    public static BackupManifest create(Config config, Path archive, Clock clock) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(archive, "archive");
        Objects.requireNonNull(clock, "clock");
        if (!(config.database().url() instanceof DatabaseUrl.Sqlite sqlite)) {
            throw new BackupException("server backup copies the embedded SQLite database; this server uses "
                    + config.database().url().dialect() + ": use pg_dump and WAL archiving (docs/operations.md)");
        }
        Path database = sqlite.file();
        if (!Files.isRegularFile(database)) {
            throw new BackupException("no SQLite database at " + database + " (check --data-dir or database.url)");
        }
        if (Files.exists(archive)) {
            throw new BackupException("backup file " + archive + " already exists; choose a new name");
        }
        Path target = archive.toAbsolutePath();
        if (!Files.isDirectory(target.getParent())) {
            throw new BackupException(
                    "directory " + target.getParent() + " for backup file " + archive + " does not exist");
        }
        Path work = null;
        Path partial = target.resolveSibling(target.getFileName() + ".partial");
        try {
            work = Files.createTempDirectory(target.getParent(), ".nexuslink-backup");
            Path copy = work.resolve(BackupManifest.DATABASE);
            String schemaVersion = copyDatabase(database, copy);
            String createdAt = clock.instant().toString();
            List<BackupManifest.Entry> entries = new ArrayList<>();
            Files.deleteIfExists(partial);
            try (OutputStream file = Files.newOutputStream(partial, StandardOpenOption.CREATE_NEW);
                    ZipOutputStream zip = new ZipOutputStream(file)) {
                ownerOnly(partial);
                entries.add(add(zip, BackupManifest.DATABASE, copy));
                Path media = config.server().dataDir().resolve("media");
                if (Files.isDirectory(media)) {
                    for (Path path : mediaFiles(media)) {
                        String name = BackupManifest.MEDIA
                                + media.relativize(path).toString().replace('\\', '/');
                        try {
                            entries.add(add(zip, name, path));
                        } catch (NoSuchFileException swept) {
                            // Deleted since the listing (an expired upload swept away): not in the copy either way.
                        }
                    }
                }
                Path key = config.server().serverKeyFile();
                if (Files.isRegularFile(key)) {
                    entries.add(add(zip, BackupManifest.SERVER_KEY, key));
                }
                BackupManifest manifest =
                        new BackupManifest(BackupManifest.FORMAT, Version.current(), schemaVersion, createdAt, entries);
                zip.putNextEntry(new ZipEntry(BackupManifest.NAME));
                zip.write(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest));
                zip.closeEntry();
                zip.finish();
                file.flush();
                try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.WRITE)) {
                    channel.force(true);
                }
                moveIntoPlace(partial, target);
                return manifest;
            }
        } catch (IOException e) {
            throw new BackupException("writing backup " + archive + " failed: " + e.getMessage(), e);
        } finally {
            deleteQuietly(partial);
            if (work != null) {
                deleteTree(work);
            }
        }
    }

    /** {@code VACUUM INTO} a fresh file; returns the schema version the copy holds. */
    private static String copyDatabase(Path database, Path copy) {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + database);
                Statement statement = connection.createStatement()) {
            statement.execute("PRAGMA busy_timeout = 30000");
            statement.execute("VACUUM INTO '" + copy.toString().replace("'", "''") + "'");
        } catch (SQLException e) {
            throw new BackupException("copying SQLite database " + database + " failed: " + e.getMessage(), e);
        }
        return schemaVersion(copy);
    }

    static String schemaVersion(Path database) {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + database);
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT version FROM flyway_schema_history"
                        + " WHERE success = 1 AND version IS NOT NULL ORDER BY installed_rank DESC LIMIT 1")) {
            if (!result.next()) {
                throw new BackupException("database " + database + " has no applied migration");
            }
            return result.getString(1);
        } catch (SQLException e) {
            throw new BackupException("database " + database + " is not a NexusLink database: " + e.getMessage(), e);
        }
    }

    private static List<Path> mediaFiles(Path media) throws IOException {
        try (Stream<Path> walk = Files.walk(media)) {
            // Staging holds uploads still in flight; the database names none of them as complete.
            Path staging = media.resolve("staging");
            return walk.filter(path -> !path.startsWith(staging))
                    .filter(Files::isRegularFile)
                    .sorted()
                    .toList();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static BackupManifest.Entry add(ZipOutputStream zip, String name, Path file) throws IOException {
        MessageDigest sha256 = sha256();
        long size;
        try (InputStream in = Files.newInputStream(file)) {
            zip.putNextEntry(new ZipEntry(name));
            size = in.transferTo(new DigestOutputStream(OutputStream.nullOutputStream(), sha256) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    super.write(b, off, len);
                    zip.write(b, off, len);
                }
            });
            zip.closeEntry();
        }
        return new BackupManifest.Entry(name, size, HexFormat.of().formatHex(sha256.digest()));
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK provides SHA-256", e);
        }
    }

    private static void ownerOnly(Path file) throws IOException {
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        }
    }

    private static void moveIntoPlace(Path partial, Path target) throws IOException {
        if (Files.exists(target)) {
            throw new BackupException("backup file " + target + " appeared while writing; choose a new name");
        }
        try {
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(partial, target);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // Left behind only when the disk fails too; the name says what it is.
        }
    }

    static void deleteTree(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(ServerBackup::deleteQuietly);
        } catch (IOException | UncheckedIOException ignored) {
            // Best effort on a temporary folder.
        }
    }
}
