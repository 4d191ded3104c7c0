// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.crypto.keystore;

/** A keystore that could not be read or written; {@link #reason()} says why. Nothing was changed. */
public final class KeystoreException extends Exception {
    /** Why the operation failed. */
    public enum Reason {
        /** No keystore at the expected place. */
        NOT_FOUND,
        /** A keystore is already there and creating would overwrite it. */
        ALREADY_EXISTS,
        /** The passphrase does not open the keystore (or the sealed part was altered). */
        WRONG_PASSPHRASE,
        /** The file is not a keystore, is truncated, or declares impossible parameters. */
        CORRUPT,
        /** A keystore format version or key derivation this code does not know. */
        UNSUPPORTED_VERSION,
        /** The file system failed. */
        IO
    }

    private final Reason reason;

    public KeystoreException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public KeystoreException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
