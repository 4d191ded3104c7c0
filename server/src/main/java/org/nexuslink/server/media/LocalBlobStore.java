// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.media;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * Blobs as files under {@code <data_dir>/media/blobs/<first two hex digits of the id>/<id>}.
 * Files are created owner-read/write only (never executable), moved into place with an atomic
 * rename after their bytes are synced, and the directory entry is synced too, so a crash leaves
 * either the whole blob or none. They are served only through the authenticated endpoint, never
 * by path. Thread-safe.
 */
public final class LocalBlobStore implements BlobStore {
    private final Path blobs;

    /** Opens (creating if needed) the blob directory under {@code mediaRoot}. */
    public LocalBlobStore(Path mediaRoot) {
        this.blobs = Objects.requireNonNull(mediaRoot, "mediaRoot").resolve("blobs");
        try {
            Staging.createPrivateDirectories(blobs);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the media directory " + blobs, e);
        }
    }

    @Override
    public String name() {
        return "local";
    }

    @Override
    public String keyFor(MediaId id) {
        String text = id.toString();
        return text.substring(0, 2) + "/" + text;
    }

    @Override
    public void commit(Path staged, String key) throws IOException {
        Path target = path(key);
        Staging.createPrivateDirectories(target.getParent());
        try {
            Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the staging and blob directories must be on one file system", e);
        }
        syncDirectory(target.getParent());
    }

    @Override
    public void delete(String key) throws IOException {
        Files.deleteIfExists(path(key));
    }

    /** The file of a blob, for reading. */
    Path path(String key) {
        if (!key.matches("[0-9a-f]{2}/[0-9a-f-]{36}")) {
            throw new IllegalStateException("corrupt storage path in the database");
        }
        return blobs.resolve(key);
    }

    /** Whether a blob file exists (tests and the sweep use it). */
    boolean exists(String key) {
        return Files.exists(path(key));
    }

    private static void syncDirectory(Path dir) throws IOException {
        if (!Staging.POSIX) {
            // Non-POSIX systems (Windows) cannot open a directory as a channel; the rename is still atomic.
            return;
        }
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    @Override
    public void close() {}
}
