// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.crypto.keystore;

import java.util.Arrays;
import java.util.Objects;

/**
 * A keystore passphrase, kept as characters so it can be wiped: {@link #close()} overwrites it.
 * {@link #toString()} never shows it. Not thread-safe: one owner uses and closes it.
 */
public final class Passphrase implements AutoCloseable {
    private final char[] chars;
    private boolean closed;

    private Passphrase(char[] chars) {
        this.chars = chars;
    }

    /** A passphrase holding a copy of {@code chars}; the caller may wipe its own array afterwards. */
    public static Passphrase of(char[] chars) {
        Objects.requireNonNull(chars, "chars");
        return new Passphrase(chars.clone());
    }

    /** A copy of the characters, for a key derivation that wipes it after use. */
    char[] chars() {
        if (closed) {
            throw new IllegalStateException("passphrase was already wiped");
        }
        return chars.clone();
    }

    public boolean isEmpty() {
        return chars.length == 0;
    }

    /** Whether both passphrases have the same characters, compared in constant time. */
    public boolean matches(Passphrase other) {
        if (chars.length != other.chars.length) {
            return false;
        }
        int diff = 0;
        for (int i = 0; i < chars.length; i++) {
            diff |= chars[i] ^ other.chars[i];
        }
        return diff == 0;
    }

    /** Overwrites the characters. */
    @Override
    public void close() {
        Arrays.fill(chars, '\0');
        closed = true;
    }

    @Override
    public String toString() {
        return "Passphrase[redacted]";
    }
}
