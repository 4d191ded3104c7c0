// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.crypto.keystore;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.nexuslink.crypto.file.AtomicFile;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.crypto.identity.AccountIdentity;
import org.nexuslink.crypto.identity.DeviceCertificate;
import org.nexuslink.crypto.identity.DeviceId;
import org.nexuslink.crypto.identity.DeviceKeyPair;
import org.nexuslink.crypto.identity.InvalidAccountIdException;
import org.nexuslink.crypto.identity.InvalidCertificateException;
import org.nexuslink.crypto.identity.InvalidMnemonicException;
import org.nexuslink.crypto.identity.Mnemonic;
import org.nexuslink.crypto.internal.CanonicalMap;

/**
 * A keystore file sealed under a passphrase: Argon2id turns the passphrase into a 256-bit key,
 * AES-256-GCM seals the private keys and mnemonic, and the clear header (format, Argon2
 * parameters, salt, nonce, account key, device id) is the GCM additional data, so no header byte
 * can change without the file failing to open. docs/identity.md gives the byte layout.
 *
 * <p>Every write takes a fresh salt and nonce and goes through {@link AtomicFile}, so a crash
 * leaves the old or the new file, and leftover temporary files do not disturb reading. Calls on
 * one instance are serialised by a lock; the vault does not guard against a second process
 * writing the same file. The instance does not own the passphrase: the caller closes it.
 */
public final class FileKeyVault implements KeyVault {
    /** The keystore's file name inside a profile directory. */
    public static final String FILE_NAME = "identity.keystore";

    static final byte[] MAGIC = "NXLVAULT".getBytes(StandardCharsets.US_ASCII);
    static final int FORMAT_VERSION = 1;
    static final int KDF_ARGON2ID = 1;
    static final int SALT_LENGTH = 16;
    static final int NONCE_LENGTH = 12;
    static final int TAG_BITS = 128;
    /** Header length: magic 8, version 1, kdf 1, memory 4, iterations 4, lanes 1, salt 1+16, nonce 1+12, account 32, device 1. */
    static final int HEADER_LENGTH = 8 + 1 + 1 + 4 + 4 + 1 + 1 + SALT_LENGTH + 1 + NONCE_LENGTH + 32 + 1;

    private static final int MAX_FILE_LENGTH = 64 * 1024;
    private static final int K_IDENTITY = 1;
    private static final int K_MNEMONIC = 2;
    private static final int K_DEVICE_KEY = 3;
    private static final int K_CERTIFICATE = 4;

    private final Path file;
    private final Passphrase passphrase;
    private final KdfParameters kdfForWrites;
    private final SecureRandom random;
    private final ReentrantLock lock = new ReentrantLock(); // guards reads and writes of file

    /**
     * @param file the keystore file, usually {@code <profile>/identity.keystore}
     * @param passphrase unlocks and seals; an empty passphrase is allowed but weak
     * @param kdfForWrites Argon2id parameters for files this vault writes (reading uses the file's own)
     */
    public FileKeyVault(Path file, Passphrase passphrase, KdfParameters kdfForWrites, SecureRandom random) {
        this.file = Objects.requireNonNull(file, "file");
        this.passphrase = Objects.requireNonNull(passphrase, "passphrase");
        this.kdfForWrites = Objects.requireNonNull(kdfForWrites, "kdfForWrites");
        this.random = Objects.requireNonNull(random, "random");
    }

    /** The vault of the default file in a profile directory. */
    public static FileKeyVault inProfile(
            Path profileDir, Passphrase passphrase, KdfParameters kdfForWrites, SecureRandom random) {
        return new FileKeyVault(profileDir.resolve(FILE_NAME), passphrase, kdfForWrites, random);
    }

    /** Reads the public summary of a keystore file without a passphrase. */
    public static Optional<VaultSummary> summaryOf(Path file) throws KeystoreException {
        Optional<byte[]> bytes = read(file);
        if (bytes.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(Header.parse(bytes.get()).summary());
    }

    public Path file() {
        return file;
    }

    @Override
    public boolean exists() {
        return Files.isRegularFile(file);
    }

    @Override
    public Optional<VaultSummary> summary() throws KeystoreException {
        lock.lock();
        try {
            return summaryOf(file);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void create(VaultContents contents) throws KeystoreException {
        Objects.requireNonNull(contents, "contents");
        lock.lock();
        try {
            if (Files.exists(file)) {
                throw new KeystoreException(
                        KeystoreException.Reason.ALREADY_EXISTS,
                        "a keystore already exists at " + file + "; it was left untouched");
            }
            write(contents);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public VaultContents load() throws KeystoreException {
        lock.lock();
        try {
            byte[] bytes = read(file)
                    .orElseThrow(
                            () -> new KeystoreException(KeystoreException.Reason.NOT_FOUND, "no keystore at " + file));
            Header header = Header.parse(bytes);
            byte[] plain = open(header, bytes);
            try {
                return decodeContents(header, plain);
            } finally {
                Arrays.fill(plain, (byte) 0);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void replace(VaultContents contents) throws KeystoreException {
        Objects.requireNonNull(contents, "contents");
        lock.lock();
        try {
            load();
            write(contents);
        } finally {
            lock.unlock();
        }
    }

    private void write(VaultContents contents) throws KeystoreException {
        byte[] salt = new byte[SALT_LENGTH];
        byte[] nonce = new byte[NONCE_LENGTH];
        random.nextBytes(salt);
        random.nextBytes(nonce);
        Header header = new Header(
                FORMAT_VERSION, KDF_ARGON2ID, kdfForWrites, salt, nonce, contents.accountId(), contents.deviceId());
        byte[] headerBytes = header.encode();
        byte[] plain = encodeContents(contents);
        byte[] key = deriveKey(header.kdf, salt);
        try {
            Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
            gcm.updateAAD(headerBytes);
            byte[] sealed = gcm.doFinal(plain);
            byte[] out = new byte[headerBytes.length + sealed.length];
            System.arraycopy(headerBytes, 0, out, 0, headerBytes.length);
            System.arraycopy(sealed, 0, out, headerBytes.length, sealed.length);
            AtomicFile.write(file, out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM is unavailable in this JDK", e);
        } catch (IOException e) {
            throw new KeystoreException(
                    KeystoreException.Reason.IO, "could not write keystore " + file + ": " + e.getMessage(), e);
        } finally {
            Arrays.fill(key, (byte) 0);
            Arrays.fill(plain, (byte) 0);
        }
    }

    private byte[] open(Header header, byte[] bytes) throws KeystoreException {
        byte[] key = deriveKey(header.kdf, header.salt);
        try {
            Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, header.nonce));
            gcm.updateAAD(bytes, 0, HEADER_LENGTH);
            return gcm.doFinal(bytes, HEADER_LENGTH, bytes.length - HEADER_LENGTH);
        } catch (AEADBadTagException e) {
            throw new KeystoreException(
                    KeystoreException.Reason.WRONG_PASSPHRASE,
                    "wrong passphrase for keystore " + file + " (or the file was altered)");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM is unavailable in this JDK", e);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    private byte[] deriveKey(KdfParameters kdf, byte[] salt) {
        Argon2BytesGenerator argon2 = new Argon2BytesGenerator();
        argon2.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(kdf.memoryKiB())
                .withIterations(kdf.iterations())
                .withParallelism(kdf.parallelism())
                .withSalt(salt)
                .build());
        char[] chars = passphrase.chars();
        byte[] key = new byte[32];
        try {
            argon2.generateBytes(chars, key);
        } finally {
            Arrays.fill(chars, '\0');
        }
        return key;
    }

    private static byte[] encodeContents(VaultContents c) {
        CanonicalMap m = new CanonicalMap();
        c.identity().ifPresent(id -> m.put(K_IDENTITY, id.privateKeyBytes()));
        c.mnemonic().ifPresent(words -> m.put(K_MNEMONIC, words.phrase()));
        m.put(K_DEVICE_KEY, c.deviceKey().privateKeyBytes());
        m.put(K_CERTIFICATE, c.certificate().encoded());
        return m.encode();
    }

    private VaultContents decodeContents(Header header, byte[] plain) throws KeystoreException {
        try {
            CanonicalMap m = CanonicalMap.decode(plain, Set.of(K_IDENTITY, K_MNEMONIC, K_DEVICE_KEY, K_CERTIFICATE));
            Optional<AccountIdentity> identity = m.has(K_IDENTITY)
                    ? Optional.of(AccountIdentity.fromPrivateKeyBytes(m.requireBytes(K_IDENTITY, 32)))
                    : Optional.empty();
            Optional<Mnemonic> mnemonic =
                    m.has(K_MNEMONIC) ? Optional.of(Mnemonic.parse(m.requireString(K_MNEMONIC))) : Optional.empty();
            DeviceKeyPair device = DeviceKeyPair.fromPrivateKeyBytes(m.requireBytes(K_DEVICE_KEY, 32));
            DeviceCertificate cert = DeviceCertificate.decodeUnverified(m.requireBytes(K_CERTIFICATE, -1));
            if (!cert.deviceId().equals(header.deviceId)) {
                throw new CanonicalMap.MalformedException("certificate device id differs from the header's");
            }
            return new VaultContents(header.accountId, identity, mnemonic, device, cert);
        } catch (CanonicalMap.MalformedException
                | InvalidMnemonicException
                | InvalidCertificateException
                | IllegalArgumentException e) {
            throw new KeystoreException(
                    KeystoreException.Reason.CORRUPT,
                    "keystore " + file + " opened but its content is invalid: " + e.getMessage());
        }
    }

    private static Optional<byte[]> read(Path file) throws KeystoreException {
        try {
            long size = Files.size(file);
            if (size > MAX_FILE_LENGTH) {
                throw new KeystoreException(
                        KeystoreException.Reason.CORRUPT,
                        "keystore " + file + " is " + size + " bytes, too large to be a keystore");
            }
            return Optional.of(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new KeystoreException(
                    KeystoreException.Reason.IO, "could not read keystore " + file + ": " + e.getMessage(), e);
        }
    }

    /** The clear header of a keystore file. */
    private record Header(
            int version,
            int kdfId,
            KdfParameters kdf,
            byte[] salt,
            byte[] nonce,
            AccountId accountId,
            DeviceId deviceId) {

        VaultSummary summary() {
            return new VaultSummary(accountId, deviceId, kdf);
        }

        byte[] encode() {
            ByteBuffer b = ByteBuffer.allocate(HEADER_LENGTH);
            b.put(MAGIC)
                    .put((byte) version)
                    .put((byte) kdfId)
                    .putInt(kdf.memoryKiB())
                    .putInt(kdf.iterations())
                    .put((byte) kdf.parallelism())
                    .put((byte) salt.length)
                    .put(salt)
                    .put((byte) nonce.length)
                    .put(nonce)
                    .put(accountId.publicKeyBytes())
                    .put((byte) deviceId.value());
            return b.array();
        }

        static Header parse(byte[] bytes) throws KeystoreException {
            if (bytes.length < MAGIC.length || !Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
                throw corrupt("it does not start with the keystore magic \"NXLVAULT\"");
            }
            if (bytes.length < HEADER_LENGTH + TAG_BITS / 8) {
                throw corrupt("it is truncated (" + bytes.length + " bytes)");
            }
            ByteBuffer b = ByteBuffer.wrap(bytes);
            b.position(MAGIC.length);
            int version = Byte.toUnsignedInt(b.get());
            if (version != FORMAT_VERSION) {
                throw new KeystoreException(
                        KeystoreException.Reason.UNSUPPORTED_VERSION,
                        "keystore format version " + version + " is not supported (expected " + FORMAT_VERSION + ")");
            }
            int kdfId = Byte.toUnsignedInt(b.get());
            if (kdfId != KDF_ARGON2ID) {
                throw new KeystoreException(
                        KeystoreException.Reason.UNSUPPORTED_VERSION,
                        "keystore key derivation " + kdfId + " is not supported (expected 1, Argon2id)");
            }
            KdfParameters kdf;
            try {
                kdf = new KdfParameters(b.getInt(), b.getInt(), Byte.toUnsignedInt(b.get()));
            } catch (IllegalArgumentException e) {
                throw corrupt("its Argon2 parameters are out of range: " + e.getMessage());
            }
            if (Byte.toUnsignedInt(b.get()) != SALT_LENGTH) {
                throw corrupt("its salt is not " + SALT_LENGTH + " bytes");
            }
            byte[] salt = new byte[SALT_LENGTH];
            b.get(salt);
            if (Byte.toUnsignedInt(b.get()) != NONCE_LENGTH) {
                throw corrupt("its nonce is not " + NONCE_LENGTH + " bytes");
            }
            byte[] nonce = new byte[NONCE_LENGTH];
            b.get(nonce);
            byte[] account = new byte[32];
            b.get(account);
            int device = Byte.toUnsignedInt(b.get());
            try {
                return new Header(
                        version, kdfId, kdf, salt, nonce, AccountId.fromPublicKeyBytes(account), new DeviceId(device));
            } catch (InvalidAccountIdException | IllegalArgumentException e) {
                throw corrupt("its header names no valid account and device: " + e.getMessage());
            }
        }

        private static KeystoreException corrupt(String why) {
            return new KeystoreException(KeystoreException.Reason.CORRUPT, "not a valid keystore: " + why);
        }
    }
}
