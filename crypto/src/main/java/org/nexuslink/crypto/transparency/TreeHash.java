// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.crypto.transparency;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A 32-byte SHA-256 value of the key-transparency log: a leaf hash, an interior node hash or a
 * root. The hashing rules are RFC 9162 section 2.1.1: a leaf is {@code SHA-256(0x00 || data)},
 * a node {@code SHA-256(0x01 || left || right)}, and the empty tree's root is {@code SHA-256()}.
 * Immutable and thread-safe.
 */
public final class TreeHash {
    /** SHA-256 output length. */
    public static final int LENGTH = 32;

    private static final byte LEAF_PREFIX = 0x00;
    private static final byte NODE_PREFIX = 0x01;
    /** The root of the empty tree: SHA-256 of no bytes. */
    public static final TreeHash EMPTY_ROOT = new TreeHash(sha256().digest());

    private final byte[] bytes;

    private TreeHash(byte[] bytes) {
        this.bytes = bytes;
    }

    /**
     * A hash from its 32 bytes.
     *
     * @throws IllegalArgumentException when {@code bytes} is not 32 bytes long
     */
    public static TreeHash of(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        if (bytes.length != LENGTH) {
            throw new IllegalArgumentException("a tree hash has " + LENGTH + " bytes, got " + bytes.length);
        }
        return new TreeHash(bytes.clone());
    }

    /**
     * A hash from standard base64, as the API carries it.
     *
     * @throws IllegalArgumentException when the text is not base64 of 32 bytes
     */
    public static TreeHash fromBase64(String text) {
        Objects.requireNonNull(text, "text");
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("tree hash is not base64: " + e.getMessage(), e);
        }
        return of(raw);
    }

    /** {@code SHA-256(0x00 || data)}: the hash of a leaf holding {@code data}. */
    public static TreeHash leaf(byte[] data) {
        MessageDigest d = sha256();
        d.update(LEAF_PREFIX);
        d.update(Objects.requireNonNull(data, "data"));
        return new TreeHash(d.digest());
    }

    /** {@code SHA-256(0x01 || left || right)}: the hash of an interior node. */
    public static TreeHash node(TreeHash left, TreeHash right) {
        MessageDigest d = sha256();
        d.update(NODE_PREFIX);
        d.update(left.bytes);
        d.update(right.bytes);
        return new TreeHash(d.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
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

    /** Constant-time comparison, so a verifier leaks nothing about how much of a root matched. */
    @Override
    public boolean equals(Object o) {
        return o instanceof TreeHash other && MessageDigest.isEqual(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return hex();
    }
}
