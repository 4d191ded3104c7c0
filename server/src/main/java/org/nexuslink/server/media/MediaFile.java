// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.media;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.nexuslink.crypto.identity.AccountId;

/**
 * One row of {@code media_store}: an encrypted blob's metadata. The server never sees what the
 * blob holds; {@code mimeTypeHint} is whatever the client chose to say.
 *
 * @param uploader empty once the uploader's member row is gone
 * @param backend {@code local} or {@code s3}
 * @param storagePath the blob's key inside its backend (never shown to clients)
 * @param completedAt empty while the upload is unfinished; such a file is not served
 */
public record MediaFile(
        MediaId id,
        Optional<AccountId> uploader,
        long size,
        Optional<String> mimeTypeHint,
        String backend,
        String storagePath,
        Sha256 digest,
        Instant uploadedAt,
        Optional<Instant> completedAt,
        Optional<Instant> expiresAt) {
    public MediaFile {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(uploader, "uploader");
        Objects.requireNonNull(mimeTypeHint, "mimeTypeHint");
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(storagePath, "storagePath");
        Objects.requireNonNull(digest, "digest");
        Objects.requireNonNull(uploadedAt, "uploadedAt");
        Objects.requireNonNull(completedAt, "completedAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        if (size < 0) {
            throw new IllegalArgumentException("size must not be negative: " + size);
        }
    }

    /** Whether the file can be served at {@code now}: upload finished and not expired. */
    public boolean isAvailable(Instant now) {
        return completedAt.isPresent() && expiresAt.map(now::isBefore).orElse(true);
    }
}
