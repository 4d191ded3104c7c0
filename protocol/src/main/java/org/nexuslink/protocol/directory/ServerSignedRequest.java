// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.protocol.directory;

import java.util.Objects;

/**
 * A request signed by a community's long-term server key (Ed25519): {@code payload} is the base64
 * of the payload's JSON bytes, exactly as signed, so no canonical JSON form is needed;
 * {@code signature} is base64 of the signature over {@link SigningDomains} for the action, a zero
 * byte and those bytes.
 */
public record ServerSignedRequest(String payload, String signature) {
    public ServerSignedRequest {
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(signature, "signature");
    }
}
