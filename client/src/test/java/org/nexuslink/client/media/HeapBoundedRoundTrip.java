// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.media;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * Run by {@link StreamingTest} in a JVM with a small heap: encrypts and decrypts a file several
 * times larger than that heap, and prints the sizes. Exits non-zero on any failure (an
 * {@link OutOfMemoryError} included).
 *
 * <p>Arguments: a working directory and the file size in bytes.
 */
public final class HeapBoundedRoundTrip {
    private HeapBoundedRoundTrip() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        long size = Long.parseLong(args[1]);
        Path plain = dir.resolve("large.bin");
        try (RandomAccessFile file = new RandomAccessFile(plain.toFile(), "rw")) {
            // Sparse: mostly zeros on disk for free, plus marked pages so blocks differ.
            file.setLength(size);
            for (long at = 0; at < size; at += 7 << 20) {
                file.seek(at);
                file.writeLong(at);
            }
        }
        SecureRandom random = new SecureRandom();
        AttachmentKey key = AttachmentKey.generate(random);
        Path blob = dir.resolve("large.blob");
        Path out = dir.resolve("large.out");

        AttachmentCipher.Encrypted encrypted = AttachmentCipher.encrypt(plain, blob, key, random);
        Files.delete(plain);
        AttachmentCipher.decrypt(blob, out, key, encrypted.ciphertextSha256(), size, encrypted.plaintextSha256());

        byte[] recomputed = MediaClient.sha256(out);
        if (!Arrays.equals(recomputed, encrypted.plaintextSha256()) || Files.size(out) != size) {
            System.out.println("MISMATCH");
            System.exit(3);
        }
        System.out.println("max_heap=" + Runtime.getRuntime().maxMemory() + " plaintext=" + encrypted.plaintextSize()
                + " ciphertext=" + encrypted.ciphertextSize() + " decrypted=" + Files.size(out));
    }
}
