// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.media;

import java.io.IOException;
import java.util.Objects;

/**
 * An attachment that must not be trusted: its ciphertext, MAC, size or descriptor is not what
 * it should be. Nothing was written where the plaintext would go. The message names what was
 * wrong, never a key or content.
 */
public final class AttachmentException extends IOException {
    /** What was wrong. */
    public enum Reason {
        /** The SHA-256 of the downloaded blob is not the one the descriptor carries. */
        DIGEST_MISMATCH,
        /** The blob's HMAC does not verify under the key (wrong key or forged blob). */
        MAC_MISMATCH,
        /** The blob or the plaintext has another length than the descriptor says. */
        SIZE_MISMATCH,
        /** The blob is shorter than it must be, or not a whole number of cipher blocks. */
        TRUNCATED,
        /** The blob authenticated but does not decrypt (bad padding from a malicious sender). */
        UNDECRYPTABLE,
        /** The plaintext decrypted but its SHA-256 is not the one the descriptor carries. */
        PLAINTEXT_DIGEST_MISMATCH,
        /** A {@link FileDescriptor} encoding that does not follow the format. */
        MALFORMED_DESCRIPTOR
    }

    private final Reason reason;

    public AttachmentException(Reason reason, String message) {
        super(Objects.requireNonNull(reason, "reason").name().toLowerCase(java.util.Locale.ROOT) + ": " + message);
        this.reason = reason;
    }

    public AttachmentException(Reason reason, String message, Throwable cause) {
        this(reason, message);
        initCause(cause);
    }

    public Reason reason() {
        return reason;
    }
}
