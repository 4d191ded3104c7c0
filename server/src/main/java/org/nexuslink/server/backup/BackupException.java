// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.backup;

/** A backup or restore that cannot be done, with a message naming the file or setting at fault. */
public final class BackupException extends RuntimeException {
    public BackupException(String message) {
        super(message);
    }

    public BackupException(String message, Throwable cause) {
        super(message, cause);
    }
}
