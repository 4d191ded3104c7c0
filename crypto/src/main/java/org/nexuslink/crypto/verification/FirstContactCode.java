// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.crypto.verification;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.Objects;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.crypto.internal.Base32Text;

/**
 * A 12-character code two people compare on first contact (seed 003): if a man in the middle
 * swapped either identity key, the codes differ.
 *
 * <p>Code = the first 12 characters of the upper-case RFC 4648 base32 of
 * HMAC-SHA256(key = nonce bytes, message = ASCII {@value #DOMAIN} || 0x00 || low key || high key),
 * where low and high are the two raw 32-byte identity keys ordered by unsigned byte comparison, so
 * both sides compute the same code. 60 bits; the nonce makes each code single-use. Immutable.
 */
public final class FirstContactCode {
    public static final String DOMAIN = "nexuslink/first-contact/v1";
    public static final int LENGTH = 12;

    private final String code;

    private FirstContactCode(String code) {
        this.code = code;
    }

    /**
     * The code of two distinct accounts and a nonce; argument order does not matter.
     *
     * @throws IllegalArgumentException if both ids are the same account
     */
    public static FirstContactCode compute(AccountId a, AccountId b, FirstContactNonce nonce) {
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(b, "b");
        Objects.requireNonNull(nonce, "nonce");
        int order = a.compareTo(b);
        if (order == 0) {
            throw new IllegalArgumentException(
                    "a first-contact code needs two different accounts, got " + a + " twice");
        }
        return new FirstContactCode(Base32Text.upper(mac(order < 0 ? a : b, order < 0 ? b : a, nonce))
                .substring(0, LENGTH));
    }

    /** The exact HMAC input, for documentation and other implementations' tests. */
    static byte[] message(AccountId low, AccountId high) {
        byte[] label = DOMAIN.getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[label.length + 1 + 64];
        System.arraycopy(label, 0, out, 0, label.length);
        System.arraycopy(low.publicKeyBytes(), 0, out, label.length + 1, 32);
        System.arraycopy(high.publicKeyBytes(), 0, out, label.length + 33, 32);
        return out;
    }

    private static byte[] mac(AccountId low, AccountId high, FirstContactNonce nonce) {
        HMac hmac = new HMac(new SHA256Digest());
        hmac.init(new KeyParameter(nonce.bytes()));
        byte[] message = message(low, high);
        hmac.update(message, 0, message.length);
        byte[] out = new byte[hmac.getMacSize()];
        hmac.doFinal(out, 0);
        return out;
    }

    /** The 12 characters. */
    public String value() {
        return code;
    }

    /** The code in three groups of four, for reading aloud. */
    public String displayText() {
        return code.substring(0, 4) + "-" + code.substring(4, 8) + "-" + code.substring(8, 12);
    }

    /** Whether what the other person reads out (any case, spaces or dashes) is this code; constant time. */
    public boolean matches(String typed) {
        String normal = typed.replaceAll("[\\s-]", "").toUpperCase(Locale.ROOT);
        return MessageDigest.isEqual(
                normal.getBytes(StandardCharsets.US_ASCII), code.getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FirstContactCode other && code.equals(other.code);
    }

    @Override
    public int hashCode() {
        return code.hashCode();
    }

    @Override
    public String toString() {
        return displayText();
    }
}
