// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.crypto.identity;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import org.nexuslink.crypto.internal.Base32Text;
import org.nexuslink.crypto.internal.Curve25519Keys;
import org.signal.libsignal.protocol.IdentityKey;
import org.signal.libsignal.protocol.ecc.ECPublicKey;

/**
 * An account's id: {@code nxl:} and the lower-case, unpadded RFC 4648 base32 of the raw 32-byte
 * Curve25519 public identity key (not libsignal's 33-byte form with its 0x05 type byte), 56
 * characters in all.
 *
 * <p>The id is the key, so whoever holds an id can verify everything the account signs. Immutable
 * and thread-safe; equal ids have equal keys.
 */
public final class AccountId implements Comparable<AccountId> {
    /** The text prefix. */
    public static final String PREFIX = "nxl:";
    /** Length of the text form: 4 + 52. */
    public static final int TEXT_LENGTH = PREFIX.length() + Base32Text.encodedLength(Curve25519Keys.KEY_LENGTH);

    private final byte[] key;
    private final String text;

    private AccountId(byte[] key) {
        this.key = key;
        this.text = PREFIX + Base32Text.lower(key);
    }

    /**
     * Parses the text form.
     *
     * @throws InvalidAccountIdException on a wrong prefix, length or alphabet, a non-canonical
     *     spelling, or bytes that are not a usable Curve25519 public key
     */
    public static AccountId parse(String text) throws InvalidAccountIdException {
        Objects.requireNonNull(text, "text");
        if (!text.startsWith(PREFIX)) {
            throw new InvalidAccountIdException(
                    InvalidAccountIdException.Reason.WRONG_PREFIX,
                    "an account id starts with \"nxl:\": " + abbreviate(text));
        }
        if (text.length() != TEXT_LENGTH) {
            throw new InvalidAccountIdException(
                    InvalidAccountIdException.Reason.WRONG_LENGTH,
                    "an account id has " + TEXT_LENGTH + " characters, got " + text.length() + ": " + abbreviate(text));
        }
        Optional<byte[]> bytes = Base32Text.decodeLower(text.substring(PREFIX.length()));
        if (bytes.isEmpty()) {
            throw new InvalidAccountIdException(
                    InvalidAccountIdException.Reason.BAD_ALPHABET,
                    "an account id uses lower-case base32 (a-z, 2-7) in canonical form: " + text);
        }
        return fromPublicKeyBytes(bytes.get());
    }

    /**
     * The id of a raw 32-byte Curve25519 public key.
     *
     * @throws InvalidAccountIdException if the bytes are not a usable public key
     */
    public static AccountId fromPublicKeyBytes(byte[] raw) throws InvalidAccountIdException {
        Optional<String> problem = Curve25519Keys.problem(raw);
        if (problem.isPresent()) {
            throw new InvalidAccountIdException(
                    InvalidAccountIdException.Reason.NOT_A_KEY, "not an identity key: " + problem.get());
        }
        return new AccountId(raw.clone());
    }

    /** The id of a libsignal identity key (which is always a usable key). */
    public static AccountId of(IdentityKey identityKey) {
        byte[] raw = identityKey.getPublicKey().getPublicKeyBytes();
        try {
            return fromPublicKeyBytes(raw);
        } catch (InvalidAccountIdException e) {
            throw new IllegalArgumentException("libsignal produced an unusable identity key", e);
        }
    }

    /** The raw 32-byte public key (a copy). */
    public byte[] publicKeyBytes() {
        return key.clone();
    }

    /** The key as libsignal's identity key, for sessions and fingerprints. */
    public IdentityKey identityKey() {
        return new IdentityKey(publicKey());
    }

    /** The key as libsignal's public key, for verifying signatures. */
    public ECPublicKey publicKey() {
        return Curve25519Keys.toPublicKey(key);
    }

    /** The text form, {@code nxl:...}. */
    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AccountId other && Arrays.equals(key, other.key);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(key);
    }

    /** Orders by the raw key bytes, unsigned, so both parties of a pair agree on an order. */
    @Override
    public int compareTo(AccountId o) {
        return Arrays.compareUnsigned(key, o.key);
    }

    private static String abbreviate(String s) {
        String shown = s.length() > 80 ? s.substring(0, 77) + "..." : s;
        return "\"" + shown + "\"";
    }
}
