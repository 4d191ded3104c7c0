// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.client;

/**
 * A failure a client command reports as one line, {@code error: <message>}, with exit code 1.
 * Thrown before anything changed, unless the message says otherwise.
 */
public final class ClientFailure extends RuntimeException {
    public ClientFailure(String message) {
        super(message);
    }
}
