// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.media;

import java.security.SecureRandom;
import java.util.Objects;
import java.util.UUID;

/**
 * The id of a stored media file: a random (version 4) UUID, so ids can be neither guessed nor
 * enumerated, and reveal nothing of upload order or count.
 */
public record MediaId(UUID value) {
    public MediaId {
        Objects.requireNonNull(value, "value");
    }

    /** A fresh random id. */
    public static MediaId random(SecureRandom random) {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        bytes[6] = (byte) ((bytes[6] & 0x0f) | 0x40);
        bytes[8] = (byte) ((bytes[8] & 0x3f) | 0x80);
        long high = 0;
        long low = 0;
        for (int i = 0; i < 8; i++) {
            high = (high << 8) | (bytes[i] & 0xff);
            low = (low << 8) | (bytes[i + 8] & 0xff);
        }
        return new MediaId(new UUID(high, low));
    }

    /**
     * Parses the canonical lowercase form.
     *
     * @throws IllegalArgumentException naming the value when it is not a canonical UUID
     */
    public static MediaId parse(String text) {
        Objects.requireNonNull(text, "text");
        if (text.length() != 36) {
            throw new IllegalArgumentException("not a media id: '" + text + "'");
        }
        try {
            UUID uuid = UUID.fromString(text);
            if (!uuid.toString().equals(text)) {
                throw new IllegalArgumentException("not a media id: '" + text + "'");
            }
            return new MediaId(uuid);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a media id: '" + text + "'", e);
        }
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
