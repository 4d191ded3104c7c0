// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.config;

import java.util.Objects;

/** A configured credential (token, API key) that never shows itself in logs or messages. */
public record Secret(String value) {
    public Secret {
        Objects.requireNonNull(value, "value");
    }

    /** Whether nothing was configured. */
    public boolean isEmpty() {
        return value.isEmpty();
    }

    @Override
    public String toString() {
        return value.isEmpty() ? "(unset)" : "(secret)";
    }
}
