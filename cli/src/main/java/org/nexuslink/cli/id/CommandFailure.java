// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.id;

/** A failure an id command reports as {@code error: <message>} with exit code 1. */
final class CommandFailure extends Exception {
    CommandFailure(String message) {
        super(message);
    }
}
