// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.p2p.internal.noise;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/**
 * Noise's SymmetricState over SHA-256: the chaining key, the handshake hash and the
 * handshake's CipherState. Noise's HKDF(ck, ikm) is RFC 5869 HKDF with salt {@code ck} and an
 * empty info, so Bouncy Castle's HKDF computes it. Not thread-safe.
 */
final class SymmetricState {
    static final int HASHLEN = 32;

    private final CipherState cipher = new CipherState();
    private byte[] ck;
    private byte[] h;

    SymmetricState(String protocolName) {
        byte[] name = protocolName.getBytes(StandardCharsets.US_ASCII);
        h = name.length <= HASHLEN ? Arrays.copyOf(name, HASHLEN) : sha256(name);
        ck = h.clone();
    }

    void mixKey(byte[] ikm) {
        byte[][] out = hkdf(ikm, 2);
        ck = out[0];
        cipher.initializeKey(out[1]);
    }

    void mixHash(byte[] data) {
        h = sha256(h, data);
    }

    byte[] encryptAndHash(byte[] plaintext) throws NoiseException {
        byte[] ciphertext = cipher.encryptWithAd(h, plaintext);
        mixHash(ciphertext);
        return ciphertext;
    }

    byte[] decryptAndHash(byte[] ciphertext) throws NoiseException {
        byte[] plaintext = cipher.decryptWithAd(h, ciphertext);
        mixHash(ciphertext);
        return plaintext;
    }

    boolean hasKey() {
        return cipher.hasKey();
    }

    byte[] handshakeHash() {
        return h.clone();
    }

    /** The two transport CipherStates: initiator-to-responder first. */
    CipherState[] split() {
        byte[][] out = hkdf(new byte[0], 2);
        return new CipherState[] {new CipherState(out[0]), new CipherState(out[1])};
    }

    private byte[][] hkdf(byte[] ikm, int outputs) {
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
        hkdf.init(new HKDFParameters(ikm, ck, new byte[0]));
        byte[] all = new byte[outputs * HASHLEN];
        hkdf.generateBytes(all, 0, all.length);
        byte[][] out = new byte[outputs][];
        for (int i = 0; i < outputs; i++) {
            out[i] = Arrays.copyOfRange(all, i * HASHLEN, (i + 1) * HASHLEN);
        }
        return out;
    }

    private static byte[] sha256(byte[]... parts) {
        SHA256Digest digest = new SHA256Digest();
        for (byte[] p : parts) {
            digest.update(p, 0, p.length);
        }
        byte[] out = new byte[HASHLEN];
        digest.doFinal(out, 0);
        return out;
    }
}
