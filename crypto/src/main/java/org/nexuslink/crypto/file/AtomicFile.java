// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.crypto.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Replaces a file's content so that a crash leaves either the old or the new content, never a
 * mix: write a temporary file in the same directory, fsync it, rename it over the target with
 * ATOMIC_MOVE, then fsync the directory so the rename itself is durable.
 *
 * <p>Temporary files are named {@code <target name>.<random>.tmp}; readers ignore them. Files are
 * created readable by their owner only where the file system has POSIX permissions. Used for every
 * key file (keystore, server key, the libp2p key), where a torn or empty file would lose a key.
 */
public final class AtomicFile {
    /** Suffix of temporary files, so leftovers of a crash can be recognised. */
    public static final String TEMP_SUFFIX = ".tmp";

    private AtomicFile() {}

    /** Atomically makes {@code bytes} the content of {@code target}. */
    public static void write(Path target, byte[] bytes) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Path temp = writeTemp(dir, target, bytes);
        boolean moved = false;
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            moved = true;
            syncDirectory(dir);
        } finally {
            if (!moved) {
                Files.deleteIfExists(temp);
            }
        }
    }

    /**
     * Creates {@code target} with {@code bytes} as its whole content, unless it exists: a crash
     * leaves no file or the complete one, and of two processes creating it at once exactly one
     * succeeds (the file is hard-linked into place, which fails if the name is taken).
     *
     * @throws FileAlreadyExistsException if {@code target} exists; it is left as it was
     */
    public static void create(Path target, byte[] bytes) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Path temp = writeTemp(dir, target, bytes);
        try {
            try {
                Files.createLink(target, temp);
            } catch (UnsupportedOperationException noLinks) {
                if (Files.exists(target)) {
                    throw new FileAlreadyExistsException(target.toString());
                }
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            }
            syncDirectory(dir);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Writes and syncs a temporary file beside {@code target}, owner-only. */
    private static Path writeTemp(Path dir, Path target, byte[] bytes) throws IOException {
        Files.createDirectories(dir, ownerOnlyDirectory());
        Path temp = Files.createTempFile(dir, target.getFileName() + ".", TEMP_SUFFIX, ownerOnlyFile());
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        return temp;
    }

    private static void syncDirectory(Path dir) throws IOException {
        // Opening a directory for fsync is how POSIX makes a rename durable; Windows cannot open
        // directories as channels, and there MoveFileEx already flushes the rename.
        if (!FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            return;
        }
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    private static FileAttribute<?>[] ownerOnlyFile() {
        return posix()
                ? new FileAttribute<?>[] {
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))
                }
                : new FileAttribute<?>[0];
    }

    /** The attributes of a directory only its owner may enter, where the file system has POSIX modes. */
    public static FileAttribute<?>[] ownerOnlyDirectory() {
        return posix()
                ? new FileAttribute<?>[] {
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"))
                }
                : new FileAttribute<?>[0];
    }

    private static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }
}
