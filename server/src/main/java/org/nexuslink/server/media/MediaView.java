// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.media;

import java.util.Optional;

/** A media file as the API shows it. */
record MediaView(String id, long size, String sha256, Optional<String> mimeTypeHint, String uploadedAt,
                 Optional<String> expiresAt) {
    static MediaView of(MediaFile file) {
        return new MediaView(file.id().toString(), file.size(), file.digest().base64(), file.mimeTypeHint(),
                file.uploadedAt().toString(), file.expiresAt().map(Object::toString));
    }
}
