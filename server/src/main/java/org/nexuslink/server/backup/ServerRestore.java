// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.nexuslink.server.ops.Version;

/**
 * Restores a {@link ServerBackup} archive into an empty data directory: {@code nexuslink.db},
 * {@code media/} and {@code server.key} where a server with that {@code data_dir} and the default
 * {@code database.url} finds them. Verifies the manifest, every size and digest, and the
 * database's integrity before it reports success; on any failure it removes what it wrote, so the
 * directory is empty again. Stateless.
 */
public final class ServerRestore {
    /** Names a restore may write: the fixed files, or media paths without {@code ..} or odd characters. */
    private static final Pattern MEDIA_PATH =
            Pattern.compile("media/((?!\\.{1,2}/)[A-Za-z0-9._-]+/)*(?!\\.{1,2}$)[A-Za-z0-9._-]+");

    private ServerRestore() {}

    /**
     * Restores {@code archive} into {@code dataDir}, which must be missing or empty.
     *
     * @return the archive's manifest
     * @throws BackupException naming what is wrong: a non-empty target, a damaged or altered
     *     archive, an unknown format, a database that fails its integrity check
     */
    public static BackupManifest restore(Path archive, Path dataDir) {
        Objects.requireNonNull(archive, "archive");
        Objects.requireNonNull(dataDir, "dataDir");
        if (!Files.isRegularFile(archive)) {
            throw new BackupException("no backup file at " + archive);
        }
        requireEmpty(dataDir);
        boolean created = !Files.exists(dataDir);
        try (ZipFile zip = new ZipFile(archive.toFile())) {
            BackupManifest manifest = manifest(zip, archive);
            Files.createDirectories(dataDir);
            try {
                for (BackupManifest.Entry entry : manifest.files()) {
                    extract(zip, entry, dataDir, archive);
                }
                checkIntegrity(dataDir.resolve(BackupManifest.DATABASE));
                return manifest;
            } catch (RuntimeException | IOException e) {
                clear(dataDir, created);
                throw e;
            }
        } catch (ZipException e) {
            throw new BackupException(archive + " is not a NexusLink backup archive: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new BackupException("restoring " + archive + " into " + dataDir + " failed: " + e.getMessage(), e);
        }
    }

    private static void requireEmpty(Path dataDir) {
        if (!Files.exists(dataDir)) {
            return;
        }
        if (!Files.isDirectory(dataDir)) {
            throw new BackupException("restore target " + dataDir + " is not a directory");
        }
        try (Stream<Path> children = Files.list(dataDir)) {
            if (children.findAny().isPresent()) {
                throw new BackupException(
                        "restore target " + dataDir + " is not empty; restore into a new or empty directory");
            }
        } catch (IOException e) {
            throw new BackupException("cannot read restore target " + dataDir + ": " + e.getMessage(), e);
        }
    }

    private static BackupManifest manifest(ZipFile zip, Path archive) throws IOException {
        ZipEntry entry = zip.getEntry(BackupManifest.NAME);
        if (entry == null) {
            throw new BackupException(archive + " has no " + BackupManifest.NAME + "; not a NexusLink backup");
        }
        BackupManifest manifest;
        try (InputStream in = zip.getInputStream(entry)) {
            manifest = ServerBackup.JSON.readValue(in, BackupManifest.class);
        } catch (IOException | RuntimeException e) {
            throw new BackupException(archive + " has an unreadable " + BackupManifest.NAME + ": " + e.getMessage(), e);
        }
        if (manifest.format() != BackupManifest.FORMAT) {
            throw new BackupException(archive + " has backup format " + manifest.format() + "; this NexusLink ("
                    + Version.current() + ") reads format " + BackupManifest.FORMAT);
        }
        Set<String> listed = new HashSet<>();
        boolean database = false;
        for (BackupManifest.Entry file : manifest.files()) {
            String path = file.path();
            if (!(path.equals(BackupManifest.DATABASE)
                    || path.equals(BackupManifest.SERVER_KEY)
                    || MEDIA_PATH.matcher(path).matches())) {
                throw new BackupException(archive + " lists a file outside the data directory's layout: " + path);
            }
            if (!listed.add(path)) {
                throw new BackupException(archive + " lists " + path + " twice");
            }
            database |= path.equals(BackupManifest.DATABASE);
        }
        if (!database) {
            throw new BackupException(archive + " holds no " + BackupManifest.DATABASE);
        }
        Enumeration<? extends ZipEntry> entries = zip.entries();
        while (entries.hasMoreElements()) {
            String name = entries.nextElement().getName();
            if (!name.equals(BackupManifest.NAME) && !listed.contains(name)) {
                throw new BackupException(archive + " holds " + name + ", which its manifest does not list");
            }
        }
        return manifest;
    }

    private static void extract(ZipFile zip, BackupManifest.Entry file, Path dataDir, Path archive) throws IOException {
        ZipEntry entry = zip.getEntry(file.path());
        if (entry == null) {
            throw new BackupException(archive + " lacks " + file.path() + ", which its manifest lists");
        }
        Path target = dataDir.resolve(file.path()).normalize();
        if (!target.startsWith(dataDir.normalize())) {
            throw new BackupException(archive + " names a file outside the data directory: " + file.path());
        }
        Files.createDirectories(target.getParent());
        MessageDigest sha256 = ServerBackup.sha256();
        long size = 0;
        try (InputStream in = zip.getInputStream(entry);
                OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW)) {
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                size += n;
                if (size > file.size()) {
                    break;
                }
                sha256.update(buffer, 0, n);
                out.write(buffer, 0, n);
            }
        }
        String digest = HexFormat.of().formatHex(sha256.digest());
        if (size != file.size() || !digest.equals(file.sha256())) {
            throw new BackupException(archive + " is damaged or altered: " + file.path()
                    + " does not match its size and SHA-256 in the manifest");
        }
    }

    private static void checkIntegrity(Path database) {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + database);
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("PRAGMA integrity_check")) {
            String answer = result.next() ? result.getString(1) : "no answer";
            if (!"ok".equals(answer)) {
                throw new BackupException("restored database fails SQLite's integrity check: " + answer);
            }
        } catch (SQLException e) {
            throw new BackupException("restored database cannot be opened: " + e.getMessage(), e);
        }
        ServerBackup.schemaVersion(database);
    }

    private static void clear(Path dataDir, boolean created) {
        try (Stream<Path> children = Files.list(dataDir)) {
            children.forEach(ServerBackup::deleteTree);
        } catch (IOException ignored) {
            // What is left names itself; the error the caller gets says the restore failed.
        }
        if (created) {
            try {
                Files.deleteIfExists(dataDir);
            } catch (IOException ignored) {
                // An empty directory left behind is harmless.
            }
        }
    }
}
