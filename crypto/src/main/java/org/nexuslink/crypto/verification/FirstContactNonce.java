// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.crypto.verification;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.nexuslink.crypto.internal.Base32Text;

/**
 * The one-time value that makes a first-contact code single-use: one side makes it and passes it
 * to the other (in the invitation, or read aloud). Text form: lower-case unpadded base32; parsing
 * ignores case. 8 to 32 bytes; {@link #generate} makes 10 (16 characters). Immutable.
 */
public final class FirstContactNonce {
    public static final int MIN_LENGTH = 8;
    public static final int MAX_LENGTH = 32;
    public static final int DEFAULT_LENGTH = 10;

    private final byte[] bytes;

    private FirstContactNonce(byte[] bytes) {
        this.bytes = bytes;
    }

    public static FirstContactNonce generate(SecureRandom random) {
        byte[] b = new byte[DEFAULT_LENGTH];
        random.nextBytes(b);
        return new FirstContactNonce(b);
    }

    /** The nonce of raw bytes. */
    public static FirstContactNonce of(byte[] bytes) {
        if (bytes.length < MIN_LENGTH || bytes.length > MAX_LENGTH) {
            throw new IllegalArgumentException(
                    "a first-contact nonce has " + MIN_LENGTH + " to " + MAX_LENGTH + " bytes, got " + bytes.length);
        }
        return new FirstContactNonce(bytes.clone());
    }

    /**
     * Parses the text form.
     *
     * @throws IllegalArgumentException naming the text if it is not base32 of 8 to 32 bytes
     */
    public static FirstContactNonce parse(String text) {
        Objects.requireNonNull(text, "text");
        Optional<byte[]> b = Base32Text.decodeLower(text.strip().toLowerCase(Locale.ROOT));
        if (b.isEmpty() || b.get().length < MIN_LENGTH || b.get().length > MAX_LENGTH) {
            throw new IllegalArgumentException("not a first-contact nonce (base32 of " + MIN_LENGTH + " to "
                    + MAX_LENGTH + " bytes): \"" + text + "\"");
        }
        return new FirstContactNonce(b.get());
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FirstContactNonce other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    /** The text form. */
    @Override
    public String toString() {
        return Base32Text.lower(bytes);
    }
}
