// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.storage;

/** The database could not be opened, migrated or used; the message names the database and the cause. */
public final class StorageException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what failed, naming the database (never its password)
     * @param cause the driver's exception
     */
    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }

    /** @param message what failed, naming the database (never its password) */
    public StorageException(String message) {
        super(message);
    }
}
