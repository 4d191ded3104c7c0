// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.crypto.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import org.bouncycastle.util.encoders.Base32Encoder;

/**
 * RFC 4648 base32 without padding, over Bouncy Castle's encoder.
 *
 * <p>Bouncy Castle writes the upper-case alphabet with '=' padding; NexusLink text forms drop the
 * padding, and decoding insists on the canonical form (the unused trailing bits are zero) so one
 * value has exactly one spelling. Thread-safe.
 */
public final class Base32Text {
    private static final byte[] LOWER = "abcdefghijklmnopqrstuvwxyz234567".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".getBytes(StandardCharsets.US_ASCII);
    private static final byte PAD = '=';

    private Base32Text() {}

    /** Lower-case, unpadded base32 of {@code bytes}. */
    public static String lower(byte[] bytes) {
        return encode(new Base32Encoder(LOWER, PAD), bytes);
    }

    /** Upper-case (the RFC's own alphabet), unpadded base32 of {@code bytes}. */
    public static String upper(byte[] bytes) {
        return encode(new Base32Encoder(UPPER, PAD), bytes);
    }

    /** The number of unpadded characters that encode {@code byteCount} bytes. */
    public static int encodedLength(int byteCount) {
        return (byteCount * 8 + 4) / 5;
    }

    /**
     * Decodes lower-case unpadded base32; empty when a character is outside the alphabet, the
     * length is impossible, or the spelling is not canonical.
     */
    public static Optional<byte[]> decodeLower(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '2' && c <= '7'))) {
                return Optional.empty();
            }
        }
        int rem = text.length() % 8;
        if (rem == 1 || rem == 3 || rem == 6) {
            return Optional.empty();
        }
        String padded = rem == 0 ? text : text + "=".repeat(8 - rem);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            new Base32Encoder(LOWER, PAD).decode(padded, out);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        byte[] bytes = out.toByteArray();
        // Non-zero leftover bits would give a second spelling of the same bytes.
        if (!lower(bytes).equals(text)) {
            return Optional.empty();
        }
        return Optional.of(bytes);
    }

    private static String encode(Base32Encoder encoder, byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            encoder.encode(bytes, 0, bytes.length, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] text = out.toByteArray();
        int end = text.length;
        while (end > 0 && text[end - 1] == PAD) {
            end--;
        }
        return new String(Arrays.copyOf(text, end), StandardCharsets.US_ASCII);
    }
}
