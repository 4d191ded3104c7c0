// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.media;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The server's media id form: a canonical lowercase UUID. Checked wherever an id arrives from
 * a peer or a server, because it becomes part of a URL path ("../members" must never get there).
 */
final class MediaIdFormat {
    private static final Pattern CANONICAL_UUID =
            Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private MediaIdFormat() {}

    /**
     * @throws IllegalArgumentException naming the value when it is not a canonical lowercase UUID
     */
    static String require(String mediaId) {
        Objects.requireNonNull(mediaId, "mediaId");
        if (!CANONICAL_UUID.matcher(mediaId).matches()) {
            throw new IllegalArgumentException("not a media id (a lowercase UUID): '" + printable(mediaId) + "'");
        }
        return mediaId;
    }

    /** The value cut to 64 characters with control characters escaped, for an error message. */
    static String printable(String value) {
        StringBuilder out = new StringBuilder();
        value.codePoints().limit(64).forEach(c -> {
            if (Character.isISOControl(c)) {
                out.append(String.format("\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return value.codePointCount(0, value.length()) > 64 ? out + "…" : out.toString();
    }
}
