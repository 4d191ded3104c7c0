// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.protocol.api;

import java.util.Map;
import java.util.Optional;

/** The JSON bodies of {@code /api/v1/media} (docs/api.md); file bytes travel as raw bodies. */
public final class MediaApi {
    private MediaApi() {}

    /** {@code GET /api/v1/media/quota}, in bytes. */
    public record Quota(long used, long quota, long remaining, long serverRemaining, long maxFileSize) {}

    /** {@code POST /api/v1/media/uploads}; size and sha256 (base64) are required. */
    public record DirectUploadRequest(Long size, String sha256, String mimeTypeHint, Long expiresIn) {}

    /** Where and how to upload the file directly to the storage backend. */
    public record DirectUpload(
            String id,
            String uploadUrl,
            String uploadMethod,
            Map<String, String> uploadHeaders,
            String uploadExpiresAt) {}

    /** A stored media file; {@code sha256} is base64. */
    public record MediaView(
            String id,
            long size,
            String sha256,
            Optional<String> mimeTypeHint,
            String uploadedAt,
            Optional<String> expiresAt) {
        public MediaView {
            mimeTypeHint = mimeTypeHint == null ? Optional.empty() : mimeTypeHint;
            expiresAt = expiresAt == null ? Optional.empty() : expiresAt;
        }
    }
}
