// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.store;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals one column value with AES-256-GCM (the JDK's JCA provider): a fresh random 96-bit nonce
 * per value, and additional data naming the table, the column and the row's key, so a sealed
 * value copied into another row, column or table no longer opens.
 *
 * <p>Sealed form: format byte {@value #FORMAT}, 12-byte nonce, ciphertext with its 16-byte tag.
 *
 * <p>Not thread-safe: the store calls it only while holding its database lock.
 */
final class Sealer {
    static final byte FORMAT = 1;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final byte[] DOMAIN = "nexuslink/local-store/v1".getBytes(StandardCharsets.US_ASCII);

    private final SecretKey key;
    private final SecureRandom random = new SecureRandom();
    private final Cipher cipher;

    Sealer(StoreKey storeKey) {
        byte[] raw = storeKey.encryptionKey();
        this.key = new SecretKeySpec(raw, "AES");
        Arrays.fill(raw, (byte) 0);
        try {
            this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM is unavailable in this JDK", e);
        }
    }

    /** Seals {@code plaintext} for the cell (table, column, row). */
    byte[] seal(String table, String column, byte[] row, byte[] plaintext) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(aad(table, column, row));
            byte[] out = new byte[1 + NONCE_BYTES + cipher.getOutputSize(plaintext.length)];
            out[0] = FORMAT;
            System.arraycopy(nonce, 0, out, 1, NONCE_BYTES);
            cipher.doFinal(plaintext, 0, plaintext.length, out, 1 + NONCE_BYTES);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM failed to seal", e);
        }
    }

    /**
     * Opens a value sealed for the cell (table, column, row).
     *
     * @throws StoreException if the value was sealed under another key or for another cell, or
     *     was altered
     */
    byte[] open(String table, String column, byte[] row, byte[] sealed) {
        if (sealed.length < 1 + NONCE_BYTES + TAG_BITS / 8 || sealed[0] != FORMAT) {
            throw new StoreException(
                    "damaged value in " + table + "." + column + ": not a sealed value of format " + FORMAT);
        }
        try {
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 1, NONCE_BYTES));
            cipher.updateAAD(aad(table, column, row));
            return cipher.doFinal(sealed, 1 + NONCE_BYTES, sealed.length - 1 - NONCE_BYTES);
        } catch (AEADBadTagException e) {
            throw new StoreException(
                    "value in " + table + "." + column
                            + " does not open: another key sealed it, it was moved from another row, or it was altered",
                    e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM failed to open", e);
        }
    }

    private static byte[] aad(String table, String column, byte[] row) {
        // Table and column are fixed ASCII identifiers without NUL, so the NUL separators make
        // the encoding unambiguous; the row key, of any bytes, comes last.
        ByteArrayOutputStream out =
                new ByteArrayOutputStream(DOMAIN.length + table.length() + column.length() + row.length + 4);
        out.writeBytes(DOMAIN);
        out.write(0);
        out.write(FORMAT);
        out.writeBytes(table.getBytes(StandardCharsets.US_ASCII));
        out.write(0);
        out.writeBytes(column.getBytes(StandardCharsets.US_ASCII));
        out.write(0);
        out.writeBytes(row);
        return out.toByteArray();
    }
}
