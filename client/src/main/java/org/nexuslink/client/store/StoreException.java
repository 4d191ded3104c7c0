// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.store;

/**
 * The profile store could not do what was asked: the key does not open it, the file is not a
 * profile store or is damaged, the disk failed, or the store is closed. Unchecked, because the
 * libsignal store interfaces this store implements cannot declare it; callers that can recover
 * (a CLI telling the user the profile is locked) catch it at their boundary.
 */
public final class StoreException extends RuntimeException {
    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
