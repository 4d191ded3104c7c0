// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.media;

/**
 * Told how far a file transfer got, for a progress bar: the phase, and the bytes done of the
 * phase's total (the plaintext while encrypting or decrypting, the ciphertext on the wire). Called
 * on the encrypting thread or the HTTP client's threads, in order within one transfer; it must
 * return quickly and not block.
 */
@FunctionalInterface
public interface TransferProgress {
    /** Where a transfer is. */
    enum Phase {
        ENCRYPTING,
        UPLOADING,
        DOWNLOADING,
        DECRYPTING
    }

    /** Told nothing. */
    TransferProgress NONE = (phase, done, total) -> {};

    /**
     * @param done  bytes done in this phase so far
     * @param total the phase's total bytes, or -1 when unknown
     */
    void update(Phase phase, long done, long total);
}
