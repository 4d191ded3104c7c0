// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.directory;

import java.util.Objects;

/** The directory refused a request ({@code code} is its error code), or answered something unusable. */
public final class DirectoryException extends Exception {
    private final int status;
    private final String code;

    public DirectoryException(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = Objects.requireNonNull(code, "code");
    }

    /** The HTTP status, 0 when the refusal is the client's own check. */
    public int status() {
        return status;
    }

    /** The error code, e.g. {@code replayed_request}, or the client's own (e.g. {@code listing_key_mismatch}). */
    public String code() {
        return code;
    }
}
