// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.crypto.keystore;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Destroys a profile directory: every regular file is overwritten with random bytes, synced, and
 * deleted; links are removed without touching what they point to; then the directories go.
 *
 * <p>Overwriting defeats simple undelete on ordinary disks; on SSDs and copy-on-write or
 * journaling file systems old blocks may survive, which is why the keys are also sealed under the
 * passphrase. The wipe goes on past a file it cannot remove and reports it. Thread-safe.
 */
public final class PanicWipe {
    private static final int CHUNK = 64 * 1024;
    private final SecureRandom random;

    public PanicWipe(SecureRandom random) {
        this.random = Objects.requireNonNull(random, "random");
    }

    /**
     * Wipes {@code profileDir} and everything under it.
     *
     * @throws IllegalArgumentException if {@code profileDir} is a file system root
     */
    public WipeReport wipe(Path profileDir) {
        Path dir = profileDir.toAbsolutePath().normalize();
        if (dir.getParent() == null) {
            throw new IllegalArgumentException("refusing to wipe a file system root: " + dir);
        }
        List<WipeReport.WipedFile> files = new ArrayList<>();
        List<Path> directories = new ArrayList<>();
        List<WipeReport.Failure> failures = new ArrayList<>();
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return new WipeReport(files, directories, failures);
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    try {
                        long size = 0;
                        if (attrs.isRegularFile()) {
                            size = attrs.size();
                            overwrite(file, size);
                        }
                        Files.delete(file);
                        files.add(new WipeReport.WipedFile(file, size));
                    } catch (IOException e) {
                        failures.add(new WipeReport.Failure(file, e.toString()));
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    failures.add(new WipeReport.Failure(file, e.toString()));
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) {
                    if (e != null) {
                        failures.add(new WipeReport.Failure(d, e.toString()));
                    }
                    try {
                        Files.delete(d);
                        directories.add(d);
                    } catch (IOException deleteFailure) {
                        failures.add(new WipeReport.Failure(d, deleteFailure.toString()));
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            failures.add(new WipeReport.Failure(dir, e.toString()));
        }
        return new WipeReport(files, directories, failures);
    }

    private void overwrite(Path file, long size) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
            byte[] noise = new byte[(int) Math.min(CHUNK, Math.max(size, 1))];
            long written = 0;
            while (written < size) {
                random.nextBytes(noise);
                ByteBuffer buf = ByteBuffer.wrap(noise, 0, (int) Math.min(noise.length, size - written));
                while (buf.hasRemaining()) {
                    written += ch.write(buf, written);
                }
            }
            ch.force(true);
        }
    }
}
