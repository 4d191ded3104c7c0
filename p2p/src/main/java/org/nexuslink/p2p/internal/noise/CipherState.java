// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.p2p.internal.noise;

import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.modes.ChaCha20Poly1305;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * Noise's CipherState for ChaChaPoly: a key and a 64-bit counter nonce (four zero bytes, then
 * the counter little-endian, as the Noise spec's ChaChaPoly section says). Without a key it
 * passes data through, as the spec requires before the first DH.
 *
 * <p>Not thread-safe: one owner per direction of a channel.
 */
public final class CipherState {
    public static final int TAG_LENGTH = 16;

    private byte[] key;
    private long nonce;

    CipherState() {}

    CipherState(byte[] key) {
        initializeKey(key);
    }

    void initializeKey(byte[] newKey) {
        this.key = newKey.clone();
        this.nonce = 0;
    }

    public boolean hasKey() {
        return key != null;
    }

    public byte[] encryptWithAd(byte[] ad, byte[] plaintext) throws NoiseException {
        if (key == null) {
            return plaintext.clone();
        }
        ChaCha20Poly1305 aead = cipher(true, ad);
        byte[] out = new byte[plaintext.length + TAG_LENGTH];
        int n = aead.processBytes(plaintext, 0, plaintext.length, out, 0);
        try {
            aead.doFinal(out, n);
        } catch (InvalidCipherTextException e) {
            throw new IllegalStateException("ChaCha20-Poly1305 failed to encrypt", e);
        }
        return out;
    }

    public byte[] decryptWithAd(byte[] ad, byte[] ciphertext) throws NoiseException {
        if (key == null) {
            return ciphertext.clone();
        }
        if (ciphertext.length < TAG_LENGTH) {
            throw new NoiseException("ciphertext shorter than its tag");
        }
        ChaCha20Poly1305 aead = cipher(false, ad);
        byte[] out = new byte[ciphertext.length - TAG_LENGTH];
        int n = aead.processBytes(ciphertext, 0, ciphertext.length, out, 0);
        try {
            aead.doFinal(out, n);
        } catch (InvalidCipherTextException e) {
            // The nonce is spent either way, so a forged frame cannot be retried.
            throw new NoiseException("message failed authentication");
        }
        return out;
    }

    private ChaCha20Poly1305 cipher(boolean encrypt, byte[] ad) throws NoiseException {
        if (nonce == -1L) {
            // 2^64-1 is reserved by the Noise spec; a channel never gets near it.
            throw new NoiseException("nonce exhausted");
        }
        byte[] iv = new byte[12];
        long n = nonce++;
        for (int i = 0; i < 8; i++) {
            iv[4 + i] = (byte) (n >>> (8 * i));
        }
        ChaCha20Poly1305 aead = new ChaCha20Poly1305();
        aead.init(encrypt, new AEADParameters(new KeyParameter(key), TAG_LENGTH * 8, iv, ad));
        return aead;
    }
}
