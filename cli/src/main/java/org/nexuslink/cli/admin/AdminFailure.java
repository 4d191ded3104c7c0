// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.admin;

/** A failure an admin command reports as {@code error: <message>} with exit code 1. */
final class AdminFailure extends RuntimeException {
    AdminFailure(String message) {
        super(message);
    }

    AdminFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
