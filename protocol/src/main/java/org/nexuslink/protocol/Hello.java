// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.protocol;

import java.util.Objects;

/**
 * Body of {@code hello}: authenticates a new connection with a short-lived device token.
 *
 * <p>{@link #toString()} hides the token.
 *
 * @param token the access token obtained by the signed-challenge login; not empty
 */
public record Hello(String token) implements Body {

    /** Rejects an empty token. */
    public Hello {
        Objects.requireNonNull(token, "token");
        if (token.isEmpty()) {
            throw new IllegalArgumentException("token must not be empty");
        }
    }

    @Override
    public String toString() {
        return "Hello[token=<redacted>]";
    }
}
