// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.crypto.transparency;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import org.nexuslink.crypto.server.ServerKeyPair;
import org.nexuslink.crypto.server.ServerPublicKey;

/**
 * The server's signed statement that its key-transparency log held {@code treeSize} leaves with
 * root {@code root} at {@code timestamp}.
 *
 * <p>The signed message is 49 bytes: version {@code 0x01}, the tree size and the timestamp (Unix
 * milliseconds) as unsigned 64-bit big-endian integers, then the 32-byte root. The server key
 * signs it under the domain label {@link #DOMAIN} ({@link ServerKeyPair#sign}), so no other
 * signature of that key verifies as a tree head. Immutable and thread-safe; instances built by
 * {@link #of} are not trusted until {@link #verify} passes.
 */
public final class SignedTreeHead {
    public static final int VERSION = 1;
    public static final String DOMAIN = "nexuslink/kt-tree-head/v1";
    /** Length of {@link #signedMessage()}. */
    public static final int MESSAGE_LENGTH = 1 + 8 + 8 + TreeHash.LENGTH;

    private final long treeSize;
    private final Instant timestamp;
    private final TreeHash root;
    private final byte[] signature;

    private SignedTreeHead(long treeSize, Instant timestamp, TreeHash root, byte[] signature) {
        this.treeSize = treeSize;
        this.timestamp = timestamp;
        this.root = root;
        this.signature = signature;
    }

    /** Signs a head; the timestamp is truncated to milliseconds. */
    public static SignedTreeHead sign(ServerKeyPair key, long treeSize, Instant timestamp, TreeHash root) {
        Objects.requireNonNull(key, "key");
        Instant at = Instant.ofEpochMilli(
                Objects.requireNonNull(timestamp, "timestamp").toEpochMilli());
        checkFields(treeSize, at);
        byte[] signature = key.sign(DOMAIN, message(treeSize, at, Objects.requireNonNull(root, "root")));
        return new SignedTreeHead(treeSize, at, root, signature);
    }

    /**
     * A head as received, not yet verified.
     *
     * @throws IllegalArgumentException when a field is out of range or the signature is not 64 bytes
     */
    public static SignedTreeHead of(long treeSize, Instant timestamp, TreeHash root, byte[] signature) {
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(signature, "signature");
        checkFields(treeSize, timestamp);
        if (timestamp.getNano() % 1_000_000 != 0) {
            throw new IllegalArgumentException("a tree head's time has whole milliseconds");
        }
        if (signature.length != ServerPublicKey.SIGNATURE_LENGTH) {
            throw new IllegalArgumentException("a tree head signature has " + ServerPublicKey.SIGNATURE_LENGTH
                    + " bytes, got " + signature.length);
        }
        return new SignedTreeHead(treeSize, timestamp, root, signature.clone());
    }

    private static void checkFields(long treeSize, Instant timestamp) {
        if (treeSize < 0) {
            throw new IllegalArgumentException("tree size must not be negative, got " + treeSize);
        }
        if (timestamp.toEpochMilli() < 0) {
            throw new IllegalArgumentException("tree head time must not be before 1970, got " + timestamp);
        }
    }

    private static byte[] message(long treeSize, Instant timestamp, TreeHash root) {
        return ByteBuffer.allocate(MESSAGE_LENGTH)
                .put((byte) VERSION)
                .putLong(treeSize)
                .putLong(timestamp.toEpochMilli())
                .put(root.bytes())
                .array();
    }

    /**
     * Checks the signature under the server key the client pinned.
     *
     * @throws InvalidProofException when it does not verify
     */
    public void verify(ServerPublicKey serverKey) throws InvalidProofException {
        if (!serverKey.verify(DOMAIN, signedMessage(), signature)) {
            throw new InvalidProofException(
                    "tree head of size " + treeSize + " is not signed by the pinned server key " + serverKey.base64());
        }
    }

    /**
     * The head as stored and exchanged between contacts: the 49-byte signed message followed by
     * the 64-byte signature (113 bytes).
     */
    public byte[] encoded() {
        return ByteBuffer.allocate(MESSAGE_LENGTH + ServerPublicKey.SIGNATURE_LENGTH)
                .put(signedMessage())
                .put(signature)
                .array();
    }

    /**
     * Parses {@link #encoded()}; the result is not trusted until {@link #verify} passes.
     *
     * @throws IllegalArgumentException when the bytes are not a head of this version
     */
    public static SignedTreeHead decode(byte[] encoded) {
        Objects.requireNonNull(encoded, "encoded");
        if (encoded.length != MESSAGE_LENGTH + ServerPublicKey.SIGNATURE_LENGTH) {
            throw new IllegalArgumentException("an encoded tree head has "
                    + (MESSAGE_LENGTH + ServerPublicKey.SIGNATURE_LENGTH) + " bytes, got " + encoded.length);
        }
        ByteBuffer in = ByteBuffer.wrap(encoded);
        int version = in.get();
        if (version != VERSION) {
            throw new IllegalArgumentException("tree head version " + version + " is not supported");
        }
        long size = in.getLong();
        long millis = in.getLong();
        byte[] root = new byte[TreeHash.LENGTH];
        in.get(root);
        byte[] signature = new byte[ServerPublicKey.SIGNATURE_LENGTH];
        in.get(signature);
        return of(size, Instant.ofEpochMilli(millis), TreeHash.of(root), signature);
    }

    /** The 49 bytes the signature covers (before the domain label). */
    public byte[] signedMessage() {
        return message(treeSize, timestamp, root);
    }

    public long treeSize() {
        return treeSize;
    }

    public Instant timestamp() {
        return timestamp;
    }

    public TreeHash root() {
        return root;
    }

    public byte[] signature() {
        return signature.clone();
    }

    public String signatureBase64() {
        return Base64.getEncoder().encodeToString(signature);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SignedTreeHead h
                && treeSize == h.treeSize
                && timestamp.equals(h.timestamp)
                && root.equals(h.root)
                && Arrays.equals(signature, h.signature);
    }

    @Override
    public int hashCode() {
        return Objects.hash(treeSize, timestamp, root);
    }

    @Override
    public String toString() {
        return "SignedTreeHead[size=" + treeSize + ", time=" + timestamp + ", root=" + root + "]";
    }
}
