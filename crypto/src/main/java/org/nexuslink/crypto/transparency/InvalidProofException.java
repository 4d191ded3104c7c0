// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.crypto.transparency;

/**
 * A key-transparency proof, tree head or log entry that does not verify: the server showed
 * something its log cannot hold, or an entry that is not well formed. The message names the
 * check that failed.
 */
public final class InvalidProofException extends Exception {
    public InvalidProofException(String message) {
        super(message);
    }
}
