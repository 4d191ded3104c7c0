// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.protocol.directory;

import java.util.Objects;

/**
 * A request signed by one of an account's devices (XEdDSA): {@code payload} is base64 of the
 * payload's JSON bytes as signed, {@code certificate} base64 of the device certificate that the
 * account identity key issued, and {@code signature} base64 of the device's signature over the
 * action's {@link SigningDomains} label, a zero byte and the payload bytes.
 */
public record AccountSignedRequest(String payload, String certificate, String signature) {
    public AccountSignedRequest {
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(signature, "signature");
    }
}
