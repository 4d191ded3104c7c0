// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.media;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A SHA-256 digest of a stored (encrypted) blob: 32 bytes, immutable, compared by value. */
public final class Sha256 {
    /** Digest length in bytes. */
    public static final int LENGTH = 32;

    private static final Pattern CONTENT_DIGEST = Pattern.compile("(?i)(?:^|,)\\s*sha-256\\s*=\\s*:([A-Za-z0-9+/=]+):");

    private final byte[] bytes;

    private Sha256(byte[] bytes) {
        this.bytes = bytes;
    }

    /**
     * @throws IllegalArgumentException unless there are exactly 32 bytes
     */
    public static Sha256 of(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        if (bytes.length != LENGTH) {
            throw new IllegalArgumentException("a SHA-256 digest has 32 bytes, got " + bytes.length);
        }
        return new Sha256(bytes.clone());
    }

    /**
     * The digest in standard base64 (the API's form for byte strings).
     *
     * @throws IllegalArgumentException when it is not base64 of 32 bytes
     */
    public static Sha256 parseBase64(String text) {
        Objects.requireNonNull(text, "text");
        try {
            return of(Base64.getDecoder().decode(text.trim()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("sha256 must be the base64 of 32 bytes", e);
        }
    }

    /**
     * The {@code sha-256} member of an RFC 9530 {@code Content-Digest} header, e.g.
     * {@code sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:}.
     *
     * @throws IllegalArgumentException when the header has no valid sha-256 member
     */
    public static Sha256 parseContentDigest(String header) {
        Objects.requireNonNull(header, "header");
        Matcher m = CONTENT_DIGEST.matcher(header);
        if (!m.find()) {
            throw new IllegalArgumentException("Content-Digest must carry sha-256=:<base64>:");
        }
        return parseBase64(m.group(1));
    }

    /** A new SHA-256 digester. */
    public static MessageDigest digester() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from the JDK", e);
        }
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    public String base64() {
        return Base64.getEncoder().encodeToString(bytes);
    }

    public String hex() {
        return HexFormat.of().formatHex(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Sha256 other && MessageDigest.isEqual(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "sha256:" + hex();
    }
}
