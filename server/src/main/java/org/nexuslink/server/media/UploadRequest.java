// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.media;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a client declares before it sends a file: its exact encrypted size, the SHA-256 of those
 * bytes, an optional type hint and an optional lifetime. Validated here, so every entry point
 * refuses the same values with the same words.
 */
public record UploadRequest(long size, Sha256 digest, Optional<String> mimeTypeHint, Optional<Duration> expiresIn) {
    /** Longest lifetime a client may ask for. */
    public static final Duration MAX_EXPIRY = Duration.ofDays(3650);
    /** A media type as RFC 6838 names them (type/subtype, optional parameters excluded). */
    private static final Pattern MIME =
            Pattern.compile("[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,62}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,62}");

    public UploadRequest {
        Objects.requireNonNull(digest, "digest");
        Objects.requireNonNull(mimeTypeHint, "mimeTypeHint");
        Objects.requireNonNull(expiresIn, "expiresIn");
        if (size < 0) {
            throw new IllegalArgumentException("size must not be negative, got " + size);
        }
        mimeTypeHint.ifPresent(mime -> {
            if (mime.length() > 100 || !MIME.matcher(mime).matches()) {
                throw new IllegalArgumentException(
                        "mime_type_hint must be a media type such as image/jpeg " + "(at most 100 characters), got '"
                                + (mime.length() > 100 ? mime.substring(0, 100) + "..." : mime) + "'");
            }
        });
        expiresIn.ifPresent(ttl -> {
            if (ttl.compareTo(Duration.ofMinutes(1)) < 0 || ttl.compareTo(MAX_EXPIRY) > 0) {
                throw new IllegalArgumentException("expires_in must be between 60 and " + MAX_EXPIRY.toSeconds()
                        + " seconds, got " + ttl.toSeconds());
            }
        });
    }
}
