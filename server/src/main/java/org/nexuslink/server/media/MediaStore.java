// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.media;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.protocol.ErrorCode;
import org.nexuslink.server.auth.Principal;
import org.nexuslink.server.http.ApiException;
import org.nexuslink.server.storage.Database;
import org.nexuslink.server.storage.Dialect;

/**
 * Owns {@code media_store}. A row is inserted when an upload begins (its {@code encrypted_size}
 * reserves quota, so concurrent uploads cannot overrun a limit together), completed when the
 * bytes are verified and kept, and deleted with its blob. Thread-safe.
 *
 * <p>Quota checks and reservations are serialized: on SQLite by its single writer, on
 * PostgreSQL by a transaction-scoped advisory lock, so "sum, compare, insert" is atomic on both.
 */
public final class MediaStore {
    /** The advisory lock key that serializes quota reservations on PostgreSQL ("nxlmedia"). */
    private static final long QUOTA_LOCK = 0x6e786c6d65646961L;

    private static final String COLUMNS = "id, uploader_account, encrypted_size, mime_type_hint, storage_backend, "
            + "storage_path, digest, uploaded_at, completed_at, expires_at";

    private final Database database;

    public MediaStore(Database database) {
        this.database = Objects.requireNonNull(database, "database");
    }

    /** Bytes stored or reserved: by one member, and by everyone. */
    public record Usage(long member, long total) {}

    /**
     * Reserves space for {@code file} and inserts it as unfinished, if both limits allow.
     *
     * @throws ApiException {@code quota_exceeded}, saying how many bytes are left
     */
    public void reserve(MediaFile file, AccountId uploader, long memberQuota, long storageLimit) {
        database.inTransaction(h -> {
            if (database.dialect() == Dialect.POSTGRES) {
                h.createQuery("SELECT 1 FROM (SELECT pg_advisory_xact_lock(:key)) AS quota_lock")
                        .bind("key", QUOTA_LOCK)
                        .mapTo(Integer.class)
                        .one();
            }
            Usage usage = usage(h, uploader);
            long memberLeft = Math.max(0, memberQuota - usage.member());
            long serverLeft = Math.max(0, storageLimit - usage.total());
            if (file.size() > memberLeft) {
                throw new ApiException(
                        ErrorCode.QUOTA_EXCEEDED,
                        "upload of " + file.size() + " bytes exceeds your media quota: " + memberLeft + " of "
                                + memberQuota + " bytes left");
            }
            if (file.size() > serverLeft) {
                throw new ApiException(
                        ErrorCode.QUOTA_EXCEEDED,
                        "upload of " + file.size()
                                + " bytes exceeds the server's storage limit: " + serverLeft + " of " + storageLimit
                                + " bytes left");
            }
            h.createUpdate("INSERT INTO media_store (" + COLUMNS + ") VALUES (:id, :uploader, :size, :mime, "
                            + ":backend, :path, :digest, :uploaded, NULL, :expires)")
                    .bind("id", file.id().value())
                    .bind("uploader", uploader.toString())
                    .bind("size", file.size())
                    .bind("mime", file.mimeTypeHint().orElse(null))
                    .bind("backend", file.backend())
                    .bind("path", file.storagePath())
                    .bind("digest", file.digest().bytes())
                    .bind("uploaded", file.uploadedAt())
                    .bind("expires", file.expiresAt().orElse(null))
                    .execute();
            return null;
        });
    }

    /** Marks an unfinished upload complete; false when it is gone (swept or deleted meanwhile). */
    public boolean complete(MediaId id, Instant now) {
        return database.inTransaction(h -> h.createUpdate(
                                "UPDATE media_store SET completed_at = :now WHERE id = :id AND completed_at IS NULL")
                        .bind("id", id.value())
                        .bind("now", now)
                        .execute())
                == 1;
    }

    public Optional<MediaFile> find(MediaId id) {
        return database.jdbi()
                .withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM media_store WHERE id = :id")
                        .bind("id", id.value())
                        .map((rs, ctx) -> file(rs))
                        .findOne());
    }

    /** Deletes the row; false when there was none. */
    public boolean delete(MediaId id) {
        return database.inTransaction(h -> h.createUpdate("DELETE FROM media_store WHERE id = :id")
                        .bind("id", id.value())
                        .execute())
                == 1;
    }

    /** Usage of {@code account} and of everyone, unfinished uploads included. */
    public Usage usage(AccountId account) {
        return database.jdbi().withHandle(h -> usage(h, account));
    }

    private static Usage usage(Handle h, AccountId account) {
        return h.createQuery("SELECT COALESCE(SUM(CASE WHEN uploader_account = :account THEN encrypted_size END), 0), "
                        + "COALESCE(SUM(encrypted_size), 0) FROM media_store")
                .bind("account", account.toString())
                .map((rs, ctx) -> new Usage(rs.getLong(1), rs.getLong(2)))
                .one();
    }

    /** Bytes of completed files: what {@code nexuslink_media_storage_bytes} reports. */
    public long storedBytes() {
        return database.jdbi()
                .withHandle(h -> h.createQuery(
                                "SELECT COALESCE(SUM(encrypted_size), 0) FROM media_store WHERE completed_at IS NOT NULL")
                        .mapTo(Long.class)
                        .one());
    }

    /** Files whose expiry is at or before {@code now}, oldest first, at most {@code limit}. */
    public List<MediaFile> expired(Instant now, int limit) {
        return database.jdbi()
                .withHandle(h -> h.createQuery(
                                "SELECT " + COLUMNS + " FROM media_store "
                                        + "WHERE expires_at IS NOT NULL AND expires_at <= :now ORDER BY expires_at LIMIT :limit")
                        .bind("now", now)
                        .bind("limit", limit)
                        .map((rs, ctx) -> file(rs))
                        .list());
    }

    /** Unfinished uploads begun before {@code before}, oldest first, at most {@code limit}. */
    public List<MediaFile> unfinishedBefore(Instant before, int limit) {
        return database.jdbi()
                .withHandle(h -> h.createQuery(
                                "SELECT " + COLUMNS + " FROM media_store "
                                        + "WHERE completed_at IS NULL AND uploaded_at < :before ORDER BY uploaded_at LIMIT :limit")
                        .bind("before", before)
                        .bind("limit", limit)
                        .map((rs, ctx) -> file(rs))
                        .list());
    }

    private static MediaFile file(ResultSet rs) throws SQLException {
        String uploader = rs.getString("uploader_account");
        Object completed = rs.getObject("completed_at");
        Object expires = rs.getObject("expires_at");
        return new MediaFile(
                new MediaId(UUID.fromString(rs.getString("id"))),
                Optional.ofNullable(uploader).map(Principal::storedAccount),
                rs.getLong("encrypted_size"),
                Optional.ofNullable(rs.getString("mime_type_hint")),
                rs.getString("storage_backend"),
                rs.getString("storage_path"),
                Sha256.of(rs.getBytes("digest")),
                Instant.ofEpochMilli(rs.getLong("uploaded_at")),
                completed == null ? Optional.empty() : Optional.of(Instant.ofEpochMilli(rs.getLong("completed_at"))),
                expires == null ? Optional.empty() : Optional.of(Instant.ofEpochMilli(rs.getLong("expires_at"))));
    }
}
