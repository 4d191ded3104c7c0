// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.transparency;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Base64;
import org.nexuslink.server.testing.TestAccount;
import org.nexuslink.server.testing.TestServer;
import org.signal.libsignal.protocol.ecc.ECKeyPair;
import org.signal.libsignal.protocol.kem.KEMKeyPair;
import org.signal.libsignal.protocol.kem.KEMKeyType;

/** Prekey uploads for tests that need a bundle. */
final class PrekeyUploads {
    private static final Base64.Encoder B64 = Base64.getEncoder();

    private PrekeyUploads() {}

    /** The smallest upload that gives a bundle: a signed EC prekey and a last-resort Kyber prekey. */
    static JsonNode minimal(TestAccount.CertifiedDevice device) {
        byte[] ec = ECKeyPair.generate().getPublicKey().serialize();
        byte[] kem = KEMKeyPair.generate(KEMKeyType.KYBER_1024).getPublicKey().serialize();
        ObjectNode body = TestServer.object();
        body.putObject("signed_prekey")
                .put("key_id", 1)
                .put("public_key", B64.encodeToString(ec))
                .put("signature", B64.encodeToString(device.keys().privateKey().calculateSignature(ec)));
        body.putObject("last_resort_kyber_prekey")
                .put("key_id", 1)
                .put("public_key", B64.encodeToString(kem))
                .put("signature", B64.encodeToString(device.keys().privateKey().calculateSignature(kem)));
        return body;
    }
}
