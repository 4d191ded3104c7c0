// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.media;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The directory where streamed uploads are written before they are verified:
 * {@code <data_dir>/media/staging}. Only this process writes there, so whatever is left at start
 * belongs to uploads a previous process never finished (a crash, a kill) and is deleted. Nothing
 * in it is ever served. Thread-safe.
 */
final class Staging {
    private static final Logger log = LoggerFactory.getLogger(Staging.class);
    static final boolean POSIX =
            FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private final Path directory;

    Staging(Path mediaRoot) {
        this.directory = Objects.requireNonNull(mediaRoot, "mediaRoot").resolve("staging");
        try {
            createPrivateDirectories(directory);
            int removed = 0;
            try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(directory)) {
                for (Path leftover : leftovers) {
                    Files.deleteIfExists(leftover);
                    removed++;
                }
            }
            if (removed > 0) {
                log.atInfo().addKeyValue("files", removed).log("removed unfinished uploads left by a previous run");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the media staging directory " + directory, e);
        }
    }

    /** A new empty file, readable and writable by this user only, never executable. */
    Path newFile() throws IOException {
        return POSIX
                ? Files.createTempFile(directory, "upload-", ".part", ownerOnlyFile())
                : Files.createTempFile(directory, "upload-", ".part");
    }

    Path directory() {
        return directory;
    }

    static FileAttribute<?> ownerOnlyFile() {
        return PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
    }

    /** Creates the directory and its parents; the leaf is accessible to this user only. */
    static void createPrivateDirectories(Path dir) throws IOException {
        Files.createDirectories(dir);
        if (POSIX) {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        }
    }
}
