// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.backup;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Objects;

/**
 * {@code manifest.json} of a backup archive: what wrote it, the schema it holds, and the size
 * and SHA-256 of every other entry, so a restore can refuse a damaged or altered archive.
 *
 * @param format the archive layout version ({@link #FORMAT}); a restore refuses others
 * @param version the NexusLink version that took the backup
 * @param schemaVersion the last Flyway migration applied to the copied database
 * @param createdAt when the database copy was taken (ISO-8601 UTC instant)
 * @param files every entry of the archive except the manifest, database first
 */
public record BackupManifest(
        int format,
        String version,
        @JsonProperty("schema_version") String schemaVersion,
        @JsonProperty("created_at") String createdAt,
        List<Entry> files) {

    /** The layout this code writes and reads. */
    public static final int FORMAT = 1;
    /** The archive entry holding the manifest itself. */
    public static final String NAME = "manifest.json";
    /** The archive entry holding the SQLite database. */
    public static final String DATABASE = "nexuslink.db";
    /** The archive entry holding the server key, when there is one. */
    public static final String SERVER_KEY = "server.key";
    /** The folder of media files inside the archive. */
    public static final String MEDIA = "media/";

    public BackupManifest {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(schemaVersion, "schemaVersion");
        Objects.requireNonNull(createdAt, "createdAt");
        files = List.copyOf(files);
    }

    /**
     * One archived file.
     *
     * @param path its name in the archive and, relative to the data directory, where it restores
     * @param size its length in bytes
     * @param sha256 lowercase hex SHA-256 of its content
     */
    public record Entry(String path, long size, String sha256) {
        public Entry {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(sha256, "sha256");
        }
    }
}
