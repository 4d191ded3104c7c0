// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.media;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Objects;
import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import javax.crypto.IllegalBlockSizeException;
import javax.crypto.Mac;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.nexuslink.client.media.AttachmentException.Reason;

/**
 * Encrypts and decrypts attachment files the way Signal's attachments are: AES-256-CBC with
 * PKCS#5 padding under a random IV, then HMAC-SHA256 over IV and ciphertext (encrypt-then-MAC).
 * The blob is {@code IV (16) || ciphertext (16·n) || MAC (32)} and its digest is the SHA-256 of
 * the whole blob (docs/client.md, "Files"). The primitives are the JDK's (JCA).
 *
 * <p>Both directions stream in {@value #CHUNK}-byte chunks, so memory does not grow with the
 * file. Decryption authenticates the whole blob in a first pass and writes plaintext only to a
 * temporary file beside the target, moved into place once everything verified: a forged or
 * damaged blob never yields a plaintext file. Stateless and thread-safe.
 */
public final class AttachmentCipher {
    /** Length of the CBC initialisation vector. */
    public static final int IV_LENGTH = 16;
    /** Length of the HMAC-SHA256 tag at the end of the blob. */
    public static final int MAC_LENGTH = 32;
    /** Length of a SHA-256 digest. */
    public static final int DIGEST_LENGTH = 32;

    private static final int BLOCK = 16;
    static final int CHUNK = 64 * 1024;
    private static final HexFormat HEX = HexFormat.of();

    private AttachmentCipher() {}

    /**
     * The result of {@link #encrypt}: sizes and digests of both sides.
     *
     * @param ciphertextSha256 SHA-256 of the whole blob, what the server checks and the
     *                         descriptor carries
     * @param plaintextSha256  SHA-256 of the file as it was read
     */
    public record Encrypted(long plaintextSize, long ciphertextSize, byte[] ciphertextSha256, byte[] plaintextSha256) {
        public Encrypted {
            ciphertextSha256 = ciphertextSha256.clone();
            plaintextSha256 = plaintextSha256.clone();
        }

        @Override
        public byte[] ciphertextSha256() {
            return ciphertextSha256.clone();
        }

        @Override
        public byte[] plaintextSha256() {
            return plaintextSha256.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Encrypted other
                    && plaintextSize == other.plaintextSize
                    && ciphertextSize == other.ciphertextSize
                    && MessageDigest.isEqual(ciphertextSha256, other.ciphertextSha256)
                    && MessageDigest.isEqual(plaintextSha256, other.plaintextSha256);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(plaintextSize) * 31
                    + HEX.formatHex(ciphertextSha256).hashCode();
        }

        @Override
        public String toString() {
            return "Encrypted[plaintextSize=" + plaintextSize + ", ciphertextSize=" + ciphertextSize
                    + ", ciphertextSha256=" + HEX.formatHex(ciphertextSha256) + "]";
        }
    }

    /**
     * The length of the blob for a plaintext of {@code plaintextSize} bytes: IV, the padded
     * ciphertext (always at least one block) and the MAC.
     *
     * @throws IllegalArgumentException if the size is negative or the blob would not fit a long
     */
    public static long ciphertextSize(long plaintextSize) {
        if (plaintextSize < 0 || plaintextSize > Long.MAX_VALUE - IV_LENGTH - BLOCK - MAC_LENGTH) {
            throw new IllegalArgumentException("plaintext size out of range: " + plaintextSize);
        }
        return IV_LENGTH + (plaintextSize / BLOCK + 1) * BLOCK + MAC_LENGTH;
    }

    /**
     * Encrypts {@code plaintext} into {@code ciphertextOut} (created or replaced) under
     * {@code key} with a fresh IV from {@code random}. On failure {@code ciphertextOut} is deleted.
     *
     * @throws IOException if a file cannot be read or written
     */
    public static Encrypted encrypt(Path plaintext, Path ciphertextOut, AttachmentKey key, SecureRandom random)
            throws IOException {
        Objects.requireNonNull(plaintext, "plaintext");
        Objects.requireNonNull(ciphertextOut, "ciphertextOut");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(random, "random");
        byte[] iv = new byte[IV_LENGTH];
        random.nextBytes(iv);
        Cipher cipher = cipher(Cipher.ENCRYPT_MODE, key, iv);
        Mac mac = mac(key);
        MessageDigest blobSha = sha256();
        MessageDigest plainSha = sha256();
        boolean done = false;
        try (FileChannel in = FileChannel.open(plaintext, StandardOpenOption.READ);
                FileChannel out = FileChannel.open(
                        ciphertextOut,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING)) {
            long plainSize = 0;
            long blobSize = 0;
            blobSize += emit(out, iv, iv.length, mac, blobSha);
            ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
            byte[] encrypted = new byte[CHUNK + BLOCK];
            for (int n; (n = in.read(buffer.clear())) != -1; ) {
                plainSha.update(buffer.array(), 0, n);
                plainSize += n;
                int produced = cipher.update(buffer.array(), 0, n, encrypted);
                blobSize += emit(out, encrypted, produced, mac, blobSha);
            }
            int produced = cipher.doFinal(encrypted, 0);
            blobSize += emit(out, encrypted, produced, mac, blobSha);
            byte[] tag = mac.doFinal();
            blobSize += emit(out, tag, tag.length, null, blobSha);
            out.force(true);
            done = true;
            return new Encrypted(plainSize, blobSize, blobSha.digest(), plainSha.digest());
        } catch (ShortBufferException | IllegalBlockSizeException | BadPaddingException e) {
            throw new IllegalStateException("AES-CBC encryption failed", e);
        } finally {
            if (!done) {
                Files.deleteIfExists(ciphertextOut);
            }
        }
    }

    /**
     * Verifies and decrypts a blob into {@code plaintextOut}, like
     * {@link #decrypt(Path, Path, AttachmentKey, byte[], long, byte[])} without the plaintext
     * digest check.
     */
    public static void decrypt(
            Path ciphertext,
            Path plaintextOut,
            AttachmentKey key,
            byte[] expectedCiphertextSha256,
            long expectedPlaintextSize)
            throws IOException {
        decryptChecked(ciphertext, plaintextOut, key, expectedCiphertextSha256, expectedPlaintextSize, null);
    }

    /**
     * Verifies and decrypts a blob into {@code plaintextOut}. In order: the blob's length must be
     * the one {@code expectedPlaintextSize} gives; a first pass checks its SHA-256 and its MAC;
     * a second pass decrypts into a temporary file beside {@code plaintextOut}, checking the MAC
     * again (the blob may have changed in between), the plaintext's length and its SHA-256. Only
     * then is the temporary file moved atomically onto {@code plaintextOut} (replacing it if it
     * exists). On any failure no plaintext is left anywhere and an existing
     * {@code plaintextOut} is untouched.
     *
     * @param expectedCiphertextSha256 the descriptor's SHA-256 of the blob (32 bytes)
     * @param expectedPlaintextSha256  the descriptor's SHA-256 of the plaintext (32 bytes)
     * @throws AttachmentException      if the blob is truncated, of the wrong size, has another
     *                                  digest, fails its MAC, or decrypts to something else
     * @throws IllegalArgumentException if a digest does not have 32 bytes or the size is negative
     * @throws IOException              if a file cannot be read or written
     */
    public static void decrypt(
            Path ciphertext,
            Path plaintextOut,
            AttachmentKey key,
            byte[] expectedCiphertextSha256,
            long expectedPlaintextSize,
            byte[] expectedPlaintextSha256)
            throws IOException {
        Objects.requireNonNull(expectedPlaintextSha256, "expectedPlaintextSha256");
        decryptChecked(
                ciphertext,
                plaintextOut,
                key,
                expectedCiphertextSha256,
                expectedPlaintextSize,
                expectedPlaintextSha256);
    }

    private static void decryptChecked(
            Path ciphertext,
            Path plaintextOut,
            AttachmentKey key,
            byte[] expectedCiphertextSha256,
            long expectedPlaintextSize,
            byte[] expectedPlaintextSha256)
            throws IOException {
        Objects.requireNonNull(ciphertext, "ciphertext");
        Objects.requireNonNull(plaintextOut, "plaintextOut");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(expectedCiphertextSha256, "expectedCiphertextSha256");
        requireDigest(expectedCiphertextSha256, "expectedCiphertextSha256");
        if (expectedPlaintextSha256 != null) {
            requireDigest(expectedPlaintextSha256, "expectedPlaintextSha256");
        }
        long expectedSize = ciphertextSize(expectedPlaintextSize);
        try (FileChannel in = FileChannel.open(ciphertext, StandardOpenOption.READ)) {
            long size = in.size();
            if (size < expectedSize) {
                throw new AttachmentException(
                        Reason.TRUNCATED,
                        "the encrypted file has " + size + " bytes where a file of " + expectedPlaintextSize
                                + " bytes needs " + expectedSize);
            }
            if (size > expectedSize) {
                throw new AttachmentException(
                        Reason.SIZE_MISMATCH,
                        "the encrypted file has " + size + " bytes where a file of " + expectedPlaintextSize
                                + " bytes needs " + expectedSize);
            }
            verify(in, size, key, expectedCiphertextSha256);
            decryptToPlace(in, size, plaintextOut, key, expectedPlaintextSize, expectedPlaintextSha256);
        }
    }

    /** First pass: digest and MAC over the whole blob, before any plaintext exists. */
    private static void verify(FileChannel in, long size, AttachmentKey key, byte[] expectedDigest) throws IOException {
        Mac mac = mac(key);
        MessageDigest sha = sha256();
        ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
        long body = size - MAC_LENGTH;
        long position = 0;
        while (position < body) {
            int n = readAt(in, buffer, position, (int) Math.min(CHUNK, body - position));
            sha.update(buffer.array(), 0, n);
            mac.update(buffer.array(), 0, n);
            position += n;
        }
        byte[] tag = new byte[MAC_LENGTH];
        readFully(in, ByteBuffer.wrap(tag), body);
        sha.update(tag);
        byte[] digest = sha.digest();
        if (!MessageDigest.isEqual(digest, expectedDigest)) {
            throw new AttachmentException(
                    Reason.DIGEST_MISMATCH,
                    "the encrypted file's SHA-256 is " + HEX.formatHex(digest) + ", expected "
                            + HEX.formatHex(expectedDigest));
        }
        if (!MessageDigest.isEqual(mac.doFinal(), tag)) {
            throw new AttachmentException(
                    Reason.MAC_MISMATCH, "the encrypted file's MAC does not verify under the attachment key");
        }
    }

    /** Second pass: decrypt to a temporary file, re-check, then move into place. */
    private static void decryptToPlace(
            FileChannel in,
            long size,
            Path plaintextOut,
            AttachmentKey key,
            long expectedPlaintextSize,
            byte[] expectedPlaintextSha256)
            throws IOException {
        Path target = plaintextOut.toAbsolutePath();
        Path temp = Files.createTempFile(target.getParent(), ".nexuslink-", ".part");
        boolean moved = false;
        try {
            byte[] iv = new byte[IV_LENGTH];
            readFully(in, ByteBuffer.wrap(iv), 0);
            Cipher cipher = cipher(Cipher.DECRYPT_MODE, key, iv);
            Mac mac = mac(key);
            mac.update(iv);
            MessageDigest plainSha = sha256();
            long plainSize = 0;
            try (FileChannel out =
                    FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
                byte[] decrypted = new byte[CHUNK + BLOCK];
                long body = size - MAC_LENGTH;
                long position = IV_LENGTH;
                while (position < body) {
                    int n = readAt(in, buffer, position, (int) Math.min(CHUNK, body - position));
                    mac.update(buffer.array(), 0, n);
                    int produced = cipher.update(buffer.array(), 0, n, decrypted);
                    plainSha.update(decrypted, 0, produced);
                    plainSize += produced;
                    writeFully(out, decrypted, produced);
                    position += n;
                }
                byte[] tag = new byte[MAC_LENGTH];
                readFully(in, ByteBuffer.wrap(tag), body);
                if (!MessageDigest.isEqual(mac.doFinal(), tag)) {
                    throw new AttachmentException(
                            Reason.MAC_MISMATCH, "the encrypted file changed while it was being decrypted");
                }
                int produced;
                try {
                    produced = cipher.doFinal(decrypted, 0);
                } catch (BadPaddingException | IllegalBlockSizeException e) {
                    throw new AttachmentException(
                            Reason.UNDECRYPTABLE, "the encrypted file authenticated but its padding is invalid", e);
                }
                plainSha.update(decrypted, 0, produced);
                plainSize += produced;
                writeFully(out, decrypted, produced);
                if (plainSize != expectedPlaintextSize) {
                    throw new AttachmentException(
                            Reason.SIZE_MISMATCH,
                            "the file decrypted to " + plainSize + " bytes, expected " + expectedPlaintextSize);
                }
                byte[] digest = plainSha.digest();
                if (expectedPlaintextSha256 != null && !MessageDigest.isEqual(digest, expectedPlaintextSha256)) {
                    throw new AttachmentException(
                            Reason.PLAINTEXT_DIGEST_MISMATCH,
                            "the decrypted file's SHA-256 is " + HEX.formatHex(digest) + ", expected "
                                    + HEX.formatHex(expectedPlaintextSha256));
                }
                out.force(true);
            } catch (ShortBufferException e) {
                throw new IllegalStateException("AES-CBC decryption failed", e);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            moved = true;
        } finally {
            if (!moved) {
                Files.deleteIfExists(temp);
            }
        }
    }

    /** Writes {@code length} bytes of the blob and feeds them to the MAC (if any) and the digest. */
    private static int emit(FileChannel out, byte[] bytes, int length, Mac mac, MessageDigest sha) throws IOException {
        if (mac != null) {
            mac.update(bytes, 0, length);
        }
        sha.update(bytes, 0, length);
        writeFully(out, bytes, length);
        return length;
    }

    private static void writeFully(FileChannel out, byte[] bytes, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes, 0, length);
        while (buffer.hasRemaining()) {
            out.write(buffer);
        }
    }

    /** Reads exactly {@code length} bytes at {@code position} into the start of {@code buffer}. */
    private static int readAt(FileChannel in, ByteBuffer buffer, long position, int length) throws IOException {
        buffer.clear().limit(length);
        readFully(in, buffer, position);
        return length;
    }

    private static void readFully(FileChannel in, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int n = in.read(buffer, at);
            if (n < 0) {
                throw new AttachmentException(
                        Reason.TRUNCATED, "the encrypted file ended at " + at + " bytes while it was being read");
            }
            at += n;
        }
    }

    private static void requireDigest(byte[] digest, String name) {
        if (digest.length != DIGEST_LENGTH) {
            throw new IllegalArgumentException(name + " must have 32 bytes, got " + digest.length);
        }
    }

    private static Cipher cipher(int mode, AttachmentKey key, byte[] iv) {
        try {
            Cipher cipher = Cipher.getInstance("AES/CBC/PKCS5Padding");
            cipher.init(mode, new SecretKeySpec(key.aesKey(), "AES"), new IvParameterSpec(iv));
            return cipher;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/CBC/PKCS5Padding is unavailable in this JDK", e);
        }
    }

    private static Mac mac(AttachmentKey key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.macKey(), "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable in this JDK", e);
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is unavailable in this JDK", e);
        }
    }
}
