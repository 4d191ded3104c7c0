// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.crypto.server;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * A server's long-term Ed25519 public key (RFC 8032), as clients pin it at join and verify what
 * the server signs with it: sign-in challenges, and later directory registrations and
 * key-transparency tree heads. Immutable and thread-safe.
 */
public final class ServerPublicKey {
    /** Ed25519 public keys are 32 bytes. */
    public static final int LENGTH = Ed25519.PUBLIC_KEY_SIZE;
    /** Ed25519 signatures are 64 bytes. */
    public static final int SIGNATURE_LENGTH = Ed25519.SIGNATURE_SIZE;

    private final byte[] bytes;

    private ServerPublicKey(byte[] bytes) {
        this.bytes = bytes;
    }

    /**
     * A key from its 32-byte encoding.
     *
     * @throws IllegalArgumentException when the bytes are not a valid Ed25519 point (small-order
     *     and non-canonical encodings included)
     */
    public static ServerPublicKey of(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        if (bytes.length != LENGTH) {
            throw new IllegalArgumentException("a server key has " + LENGTH + " bytes, got " + bytes.length);
        }
        if (!Ed25519.validatePublicKeyFull(bytes, 0)) {
            throw new IllegalArgumentException("not a valid Ed25519 public key");
        }
        return new ServerPublicKey(bytes.clone());
    }

    /**
     * A key from standard base64, as {@code GET /api/v1/server} and {@code --server-key} carry it.
     *
     * @throws IllegalArgumentException when the text is not base64 of a valid key
     */
    public static ServerPublicKey fromBase64(String text) {
        Objects.requireNonNull(text, "text");
        try {
            return of(Base64.getDecoder().decode(text.strip()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("server key '" + text + "': " + e.getMessage(), e);
        }
    }

    /**
     * Whether {@code signature} is this key's Ed25519 signature over {@code domain}, a zero byte
     * and {@code message}.
     */
    public boolean verify(String domain, byte[] message, byte[] signature) {
        Objects.requireNonNull(signature, "signature");
        if (signature.length != SIGNATURE_LENGTH) {
            return false;
        }
        byte[] signed = signedBytes(domain, message);
        return Ed25519.verify(signature, 0, bytes, 0, signed, 0, signed.length);
    }

    /** The 32-byte encoding. */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** Standard base64 of the encoding. */
    public String base64() {
        return Base64.getEncoder().encodeToString(bytes);
    }

    /**
     * {@code US-ASCII(domain) || 0x00 || message}: the exact bytes a server key signs. The label
     * keeps a signature made for one purpose (a sign-in challenge, a directory registration, a
     * tree head) from ever verifying as another.
     */
    static byte[] signedBytes(String domain, byte[] message) {
        Objects.requireNonNull(message, "message");
        byte[] label = Objects.requireNonNull(domain, "domain").getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[label.length + 1 + message.length];
        System.arraycopy(label, 0, out, 0, label.length);
        System.arraycopy(message, 0, out, label.length + 1, message.length);
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ServerPublicKey other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "ServerPublicKey[" + base64() + "]";
    }
}
