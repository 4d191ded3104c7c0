// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.crypto.keystore;

import java.util.Optional;

/**
 * Where a device keeps its private keys at rest. {@link FileKeyVault} seals them in a file under
 * a passphrase; an OS keychain or a PKCS#11 token can implement the same contract.
 *
 * <p>Every failing call leaves the stored keys as they were. Implementations say how they are
 * safe to use from several threads.
 */
public interface KeyVault {
    /** Whether key material is stored. */
    boolean exists();

    /**
     * The public facts of the stored keys, without unlocking them; empty when nothing is stored.
     *
     * @throws KeystoreException if the store cannot be read or is corrupt
     */
    Optional<VaultSummary> summary() throws KeystoreException;

    /**
     * Stores key material where none is stored yet.
     *
     * @throws KeystoreException with {@code ALREADY_EXISTS} if keys are already stored
     */
    void create(VaultContents contents) throws KeystoreException;

    /**
     * Unlocks and returns the stored key material.
     *
     * @throws KeystoreException with {@code NOT_FOUND}, {@code WRONG_PASSPHRASE}, {@code CORRUPT}
     *     or {@code UNSUPPORTED_VERSION}
     */
    VaultContents load() throws KeystoreException;

    /**
     * Replaces the stored key material; the current keys must unlock first, so a wrong
     * passphrase overwrites nothing.
     *
     * @throws KeystoreException as {@link #load()} does
     */
    void replace(VaultContents contents) throws KeystoreException;
}
