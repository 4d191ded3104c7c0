// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.crypto.seal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.hpke.HPKE;
import org.bouncycastle.crypto.params.X25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.X25519PublicKeyParameters;
import org.nexuslink.crypto.file.AtomicFile;

/**
 * Anonymous public-key encryption ("sealed box") with HPKE (RFC 9180) in base mode:
 * DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-256-GCM, as Bouncy Castle implements it. A box is
 * the 32-byte encapsulated key followed by the AEAD ciphertext; only the holder of the recipient's
 * private key opens it. Used for KYC materials, which the client seals to the compliance team's
 * key so that the directory stores only ciphertext.
 *
 * <p>Thread-safe; {@link KeyPair#toString()} never shows the private key.
 */
public final class SealedBox {
    /** X25519 keys are 32 bytes. */
    public static final int KEY_LENGTH = 32;

    private static final int ENC_LENGTH = 32;
    private static final int TAG_LENGTH = 16;
    private static final String FILE_PREFIX = "nexuslink-seal-key-v1 x25519 ";

    private SealedBox() {}

    private static HPKE hpke() {
        return new HPKE(HPKE.mode_base, HPKE.kem_X25519_SHA256, HPKE.kdf_HKDF_SHA256, HPKE.aead_AES_GCM256);
    }

    /**
     * Seals {@code plaintext} to {@code recipient}.
     *
     * @param info binds the box to a purpose (HPKE's info), e.g. {@code nexuslink/kyc/v1}
     * @param aad bound to the box but not hidden (the account the materials are for)
     */
    public static byte[] seal(PublicKey recipient, String info, byte[] aad, byte[] plaintext) {
        Objects.requireNonNull(recipient, "recipient");
        Objects.requireNonNull(plaintext, "plaintext");
        try {
            byte[][] out = hpke().seal(
                            new X25519PublicKeyParameters(recipient.bytes, 0),
                            info.getBytes(StandardCharsets.UTF_8),
                            aad.clone(),
                            plaintext,
                            null,
                            null,
                            null);
            byte[] box = new byte[out[1].length + out[0].length];
            System.arraycopy(out[1], 0, box, 0, out[1].length);
            System.arraycopy(out[0], 0, box, out[1].length, out[0].length);
            return box;
        } catch (InvalidCipherTextException e) {
            throw new IllegalStateException("sealing cannot fail with a valid key", e);
        }
    }

    /**
     * Opens a box sealed to {@code recipient} with the same {@code info} and {@code aad}.
     *
     * @throws InvalidCipherTextException when the box is truncated, altered, sealed to another key,
     *     or sealed with another info or aad
     */
    public static byte[] open(KeyPair recipient, String info, byte[] aad, byte[] box)
            throws InvalidCipherTextException {
        Objects.requireNonNull(recipient, "recipient");
        Objects.requireNonNull(box, "box");
        if (box.length < ENC_LENGTH + TAG_LENGTH) {
            throw new InvalidCipherTextException("sealed box of " + box.length + " bytes is too short");
        }
        X25519PrivateKeyParameters privateKey = new X25519PrivateKeyParameters(recipient.privateKey, 0);
        AsymmetricCipherKeyPair pair = new AsymmetricCipherKeyPair(privateKey.generatePublicKey(), privateKey);
        return hpke().open(
                        Arrays.copyOf(box, ENC_LENGTH),
                        pair,
                        info.getBytes(StandardCharsets.UTF_8),
                        aad.clone(),
                        Arrays.copyOfRange(box, ENC_LENGTH, box.length),
                        null,
                        null,
                        null);
    }

    /** A recipient's X25519 public key. Immutable. */
    public static final class PublicKey {
        private final byte[] bytes;

        private PublicKey(byte[] bytes) {
            this.bytes = bytes;
        }

        /**
         * The key in standard base64, as {@code directory.compliance_key} holds it.
         *
         * @throws IllegalArgumentException when the text is not base64 of 32 bytes
         */
        public static PublicKey fromBase64(String text) {
            byte[] bytes;
            try {
                bytes = Base64.getDecoder()
                        .decode(Objects.requireNonNull(text, "text").strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("a sealing key must be base64: " + e.getMessage());
            }
            if (bytes.length != KEY_LENGTH) {
                throw new IllegalArgumentException("a sealing key has " + KEY_LENGTH + " bytes, got " + bytes.length);
            }
            return new PublicKey(bytes);
        }

        public String base64() {
            return Base64.getEncoder().encodeToString(bytes);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof PublicKey other && Arrays.equals(bytes, other.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "SealedBox.PublicKey[" + base64() + "]";
        }
    }

    /** A recipient's X25519 key pair, kept in a one-line owner-only file. */
    public static final class KeyPair {
        private final byte[] privateKey;
        private final PublicKey publicKey;

        private KeyPair(byte[] privateKey) {
            this.privateKey = privateKey;
            this.publicKey = new PublicKey(new X25519PrivateKeyParameters(privateKey, 0)
                    .generatePublicKey()
                    .getEncoded());
        }

        public static KeyPair generate(SecureRandom random) {
            return new KeyPair(new X25519PrivateKeyParameters(Objects.requireNonNull(random, "random")).getEncoded());
        }

        /**
         * Reads the key file, or creates it (owner-only, written atomically) when it does not exist.
         *
         * @throws IOException when the file cannot be read or written
         * @throws IllegalArgumentException when the file does not hold a sealing key
         */
        public static KeyPair loadOrCreate(Path file, SecureRandom random) throws IOException {
            try {
                return load(file);
            } catch (NoSuchFileException e) {
                KeyPair created = generate(random);
                AtomicFile.write(
                        file,
                        (FILE_PREFIX + Base64.getEncoder().encodeToString(created.privateKey) + "\n")
                                .getBytes(StandardCharsets.US_ASCII));
                return created;
            }
        }

        /**
         * Reads an existing key file.
         *
         * @throws IOException when the file cannot be read
         * @throws IllegalArgumentException when the file does not hold a sealing key
         */
        public static KeyPair load(Path file) throws IOException {
            String text = Files.readString(Objects.requireNonNull(file, "file"), StandardCharsets.US_ASCII)
                    .strip();
            if (!text.startsWith(FILE_PREFIX)) {
                throw new IllegalArgumentException(file + " is not a NexusLink sealing key file");
            }
            byte[] key;
            try {
                key = Base64.getDecoder().decode(text.substring(FILE_PREFIX.length()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + " holds a key that is not base64");
            }
            if (key.length != KEY_LENGTH) {
                throw new IllegalArgumentException(
                        file + " holds a key of " + key.length + " bytes, not " + KEY_LENGTH);
            }
            return new KeyPair(key);
        }

        public PublicKey publicKey() {
            return publicKey;
        }

        @Override
        public String toString() {
            return "SealedBox.KeyPair[public=" + publicKey.base64() + "]";
        }
    }
}
