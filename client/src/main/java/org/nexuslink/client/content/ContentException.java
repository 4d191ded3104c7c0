// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.content;

/** A decrypted payload that does not decode; the message names the field. */
public final class ContentException extends Exception {
    public ContentException(String message) {
        super(message);
    }

    public ContentException(String message, Throwable cause) {
        super(message, cause);
    }
}
