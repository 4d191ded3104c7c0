// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.media;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Where the bytes of encrypted media live. Two real kinds: files under the data directory and
 * an S3-compatible object store. Keys are derived from the random {@link MediaId}; clients never
 * see them. Implementations are thread-safe.
 */
public sealed interface BlobStore extends AutoCloseable permits LocalBlobStore, S3BlobStore {
    /** The {@code storage_backend} column value: {@code local} or {@code s3}. */
    String name();

    /** The key a file with this id is stored under. */
    String keyFor(MediaId id);

    /**
     * Makes a verified, fully written staging file the blob {@code key}, atomically: afterwards
     * the blob is either wholly there or absent. The staging file is gone afterwards.
     */
    void commit(Path staged, String key) throws IOException;

    /** Deletes the blob; deleting a missing blob is not an error. */
    void delete(String key) throws IOException;

    @Override
    void close();
}
