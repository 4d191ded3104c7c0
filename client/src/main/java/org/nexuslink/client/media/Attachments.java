// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.media;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Objects;

/**
 * Sending and receiving a file as the messaging layer needs it: {@link #send} encrypts under a
 * fresh key, uploads the ciphertext and returns the {@link FileDescriptor} to put, encrypted end
 * to end, into a kind-3 event; {@link #receive} fetches, verifies, decrypts and stores the file
 * under a safe name. Only ciphertext ever reaches the server: not the name, not the MIME type,
 * not the key. Stateless and thread-safe.
 */
public final class Attachments {
    /** Receiving gives up after this many taken names ("x (1).pdf" ... "x (999).pdf"). */
    static final int MAX_NAME_ATTEMPTS = 1000;

    private Attachments() {}

    /**
     * Encrypts {@code file} to a temporary file, uploads it and deletes the temporary file.
     *
     * @param mime the file's media type, carried in the descriptor only (the server gets no hint)
     * @return the descriptor, with the file's own name and size
     * @throws org.nexuslink.client.RefusedException if the server refuses the upload
     */
    public static FileDescriptor send(Path file, String mime, MediaClient media, SecureRandom random)
            throws IOException, InterruptedException {
        return send(file, mime, media, random, TransferProgress.NONE);
    }

    /** As {@link #send(Path, String, MediaClient, SecureRandom)}, telling {@code progress} how far it got. */
    public static FileDescriptor send(
            Path file, String mime, MediaClient media, SecureRandom random, TransferProgress progress)
            throws IOException, InterruptedException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(progress, "progress");
        Objects.requireNonNull(mime, "mime");
        Objects.requireNonNull(media, "media");
        Objects.requireNonNull(random, "random");
        Path fileName = file.getFileName();
        if (fileName == null) {
            throw new IllegalArgumentException("not a file: " + file);
        }
        AttachmentKey key = AttachmentKey.generate(random);
        Path ciphertext = Files.createTempFile("nexuslink-upload-", ".bin");
        try {
            long plaintextSize = Files.size(file);
            progress.update(TransferProgress.Phase.ENCRYPTING, 0, plaintextSize);
            AttachmentCipher.Encrypted encrypted = AttachmentCipher.encrypt(file, ciphertext, key, random);
            progress.update(TransferProgress.Phase.ENCRYPTING, plaintextSize, plaintextSize);
            // Checked before uploading, so a bad name or type costs no upload.
            FileDescriptor pending = new FileDescriptor(
                    "00000000-0000-0000-0000-000000000000",
                    fileName.toString(),
                    encrypted.plaintextSize(),
                    mime,
                    encrypted.ciphertextSha256(),
                    encrypted.plaintextSha256(),
                    key);
            String mediaId = media.upload(ciphertext, "", encrypted.ciphertextSha256(), progress);
            return new FileDescriptor(
                    mediaId,
                    pending.name(),
                    pending.size(),
                    pending.mime(),
                    pending.ciphertextSha256(),
                    pending.plaintextSha256(),
                    key);
        } finally {
            Files.deleteIfExists(ciphertext);
        }
    }

    /**
     * Downloads the file {@code d} describes to a temporary file, checks its digest and MAC,
     * decrypts it and moves it into {@code targetDir} under {@link SafeFileName#of the safe form}
     * of its name, never replacing an existing file ({@code name (1).ext} and so on instead).
     * On failure nothing is left in {@code targetDir}.
     *
     * @return the path of the received file, inside {@code targetDir}
     * @throws AttachmentException          if the downloaded file does not verify
     * @throws org.nexuslink.client.RefusedException if the server refuses (e.g. {@code not_found})
     */
    public static Path receive(FileDescriptor d, MediaClient media, Path targetDir)
            throws IOException, InterruptedException {
        return receive(d, media, targetDir, TransferProgress.NONE);
    }

    /** As {@link #receive(FileDescriptor, MediaClient, Path)}, telling {@code progress} how far it got. */
    public static Path receive(FileDescriptor d, MediaClient media, Path targetDir, TransferProgress progress)
            throws IOException, InterruptedException {
        Objects.requireNonNull(d, "d");
        Objects.requireNonNull(progress, "progress");
        Objects.requireNonNull(media, "media");
        Objects.requireNonNull(targetDir, "targetDir");
        if (!Files.isDirectory(targetDir)) {
            throw new IllegalArgumentException("not a directory: " + targetDir);
        }
        Path ciphertext = Files.createTempFile("nexuslink-download-", ".bin");
        Path plaintext = Files.createTempFile(targetDir.toAbsolutePath(), ".nexuslink-receive-", ".part");
        try {
            media.download(d.mediaId(), ciphertext, progress);
            progress.update(TransferProgress.Phase.DECRYPTING, 0, d.size());
            AttachmentCipher.decrypt(
                    ciphertext, plaintext, d.key(), d.ciphertextSha256(), d.size(), d.plaintextSha256());
            progress.update(TransferProgress.Phase.DECRYPTING, d.size(), d.size());
            return publish(plaintext, targetDir, d.name());
        } finally {
            Files.deleteIfExists(ciphertext);
            Files.deleteIfExists(plaintext);
        }
    }

    /**
     * Gives the verified file its final name without ever replacing a file: a hard link fails
     * atomically when the name is taken, where a check-then-move could race.
     */
    private static Path publish(Path plaintext, Path targetDir, String name) throws IOException {
        for (int n = 0; n < MAX_NAME_ATTEMPTS; n++) {
            Path target = SafeFileName.resolve(targetDir, name, n);
            try {
                Files.createLink(target, plaintext);
                Files.delete(plaintext);
                return target;
            } catch (FileAlreadyExistsException taken) {
                // try the next name
            } catch (UnsupportedOperationException | java.nio.file.FileSystemException noHardLinks) {
                // Some file systems have no hard links: fall back to a move, which without
                // REPLACE_EXISTING refuses a name that is taken (checked, then renamed).
                try {
                    Files.move(plaintext, target);
                    return target;
                } catch (FileAlreadyExistsException taken) {
                    // try the next name
                }
            }
        }
        throw new FileAlreadyExistsException(
                SafeFileName.resolve(targetDir, name, 0).toString(), null, MAX_NAME_ATTEMPTS + " names taken");
    }
}
