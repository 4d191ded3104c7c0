// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.keys;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/** The JSON a client sends to {@code POST /api/v1/prekeys}, built from the upload values. */
final class UploadJson {
    private UploadJson() {}

    static Map<String, Object> of(PrekeyUpload upload) {
        Map<String, Object> body = new LinkedHashMap<>();
        upload.signedPrekey()
                .ifPresent(k -> body.put(
                        "signed_prekey",
                        signed(
                                k.keyId(),
                                k.publicKey().toByteArray(),
                                k.signature().toByteArray())));
        if (!upload.oneTimePrekeys().isEmpty()) {
            body.put(
                    "one_time_prekeys",
                    upload.oneTimePrekeys().stream()
                            .map(k -> Map.of(
                                    "key_id",
                                    k.keyId(),
                                    "public_key",
                                    b64(k.publicKey().toByteArray())))
                            .toList());
        }
        if (!upload.kyberPrekeys().isEmpty()) {
            body.put(
                    "kyber_prekeys",
                    upload.kyberPrekeys().stream().map(UploadJson::kyber).toList());
        }
        upload.lastResortKyberPrekey().ifPresent(k -> body.put("last_resort_kyber_prekey", kyber(k)));
        return body;
    }

    private static Map<String, Object> kyber(KyberPrekey k) {
        return signed(k.keyId(), k.publicKey().toByteArray(), k.signature().toByteArray());
    }

    static Map<String, Object> signed(int keyId, byte[] key, byte[] signature) {
        return Map.of("key_id", keyId, "public_key", b64(key), "signature", b64(signature));
    }

    static String b64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    static byte[] unb64(String text) {
        return Base64.getDecoder().decode(text);
    }
}
