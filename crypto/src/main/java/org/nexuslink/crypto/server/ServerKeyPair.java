// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.crypto.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.nexuslink.crypto.file.AtomicFile;

/**
 * A server's long-term Ed25519 key pair (RFC 8032, Bouncy Castle): what a community server signs
 * with so that clients can tell it from every other server.
 *
 * <p>Kept in a file of one line, {@code nexuslink-server-key-v1 ed25519 <base64 of the 32-byte
 * private key>}, created readable by its owner only and written atomically. Immutable and
 * thread-safe; {@link #toString()} never shows the private key.
 */
public final class ServerKeyPair {
    private static final String FILE_PREFIX = "nexuslink-server-key-v1 ed25519 ";

    private final byte[] privateKey;
    private final ServerPublicKey publicKey;

    private ServerKeyPair(byte[] privateKey) {
        this.privateKey = privateKey;
        byte[] pub = new byte[Ed25519.PUBLIC_KEY_SIZE];
        Ed25519.generatePublicKey(privateKey, 0, pub, 0);
        this.publicKey = ServerPublicKey.of(pub);
    }

    /** A fresh key pair. */
    public static ServerKeyPair generate(SecureRandom random) {
        byte[] key = new byte[Ed25519.SECRET_KEY_SIZE];
        Ed25519.generatePrivateKey(Objects.requireNonNull(random, "random"), key);
        return new ServerKeyPair(key);
    }

    /** The key pair of a 32-byte RFC 8032 private key (seed). */
    public static ServerKeyPair fromPrivateKey(byte[] privateKey) {
        if (Objects.requireNonNull(privateKey, "privateKey").length != Ed25519.SECRET_KEY_SIZE) {
            throw new IllegalArgumentException(
                    "an Ed25519 private key has " + Ed25519.SECRET_KEY_SIZE + " bytes, got " + privateKey.length);
        }
        return new ServerKeyPair(privateKey.clone());
    }

    /**
     * Reads the key file, or creates it with a fresh key (owner-only, written atomically) when it
     * does not exist.
     *
     * @throws IOException when the file cannot be read or written
     * @throws IllegalArgumentException when the file exists but does not hold a server key
     */
    public static ServerKeyPair loadOrCreate(Path file, SecureRandom random) throws IOException {
        Objects.requireNonNull(file, "file");
        try {
            return read(file);
        } catch (NoSuchFileException e) {
            ServerKeyPair created = generate(random);
            AtomicFile.write(
                    file,
                    (FILE_PREFIX + Base64.getEncoder().encodeToString(created.privateKey) + "\n")
                            .getBytes(StandardCharsets.US_ASCII));
            return created;
        }
    }

    private static ServerKeyPair read(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
        if (!text.startsWith(FILE_PREFIX)) {
            throw new IllegalArgumentException(
                    file + " is not a NexusLink server key file (it must start with '" + FILE_PREFIX.strip() + "')");
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(text.substring(FILE_PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + " holds a server key that is not base64");
        }
        if (key.length != Ed25519.SECRET_KEY_SIZE) {
            throw new IllegalArgumentException(
                    file + " holds a server key of " + key.length + " bytes, not " + Ed25519.SECRET_KEY_SIZE);
        }
        return new ServerKeyPair(key);
    }

    /** Ed25519 signature over {@code domain}, a zero byte and {@code message}; 64 bytes. */
    public byte[] sign(String domain, byte[] message) {
        byte[] signed = ServerPublicKey.signedBytes(domain, message);
        byte[] signature = new byte[Ed25519.SIGNATURE_SIZE];
        Ed25519.sign(privateKey, 0, signed, 0, signed.length, signature, 0);
        return signature;
    }

    public ServerPublicKey publicKey() {
        return publicKey;
    }

    @Override
    public String toString() {
        return "ServerKeyPair[public=" + publicKey.base64() + "]";
    }
}
