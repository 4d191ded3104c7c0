// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.transparency;

import java.io.IOException;
import java.util.Objects;

/**
 * The server showed something its key-transparency log cannot hold: the client refuses the keys
 * or head concerned. The message says what was wrong; {@link #reason()} says which check failed.
 */
public final class KeyTransparencyException extends IOException {
    /** Which check failed. */
    public enum Reason {
        /** A key of a bundle is not in the log the server signed. */
        KEY_NOT_IN_LOG,
        /** An answer carried no key-transparency proof, or the client has no pinned server key. */
        MISSING_PROOF,
        /** A head is not signed by the pinned server key. */
        BAD_SIGNATURE,
        /** An inclusion proof, or a log entry, does not verify. */
        BAD_PROOF,
        /** A head does not extend the largest one seen: the log was forked or rewritten. */
        INCONSISTENT_LOG,
        /** A head is older than one seen already: the server rolled the log back. */
        ROLLED_BACK
    }

    private final Reason reason;

    public KeyTransparencyException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }
}
