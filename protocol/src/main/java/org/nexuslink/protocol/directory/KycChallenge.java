// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.protocol.directory;

import java.util.List;
import java.util.Objects;

/** The answer to {@code POST /api/v1/kyc/initiate}: the nonce to submit with, the materials required and the key to seal them to. */
public record KycChallenge(String challenge, List<String> materials, String complianceKey) {
    public KycChallenge {
        Objects.requireNonNull(challenge, "challenge");
        materials = List.copyOf(Objects.requireNonNull(materials, "materials"));
        Objects.requireNonNull(complianceKey, "complianceKey");
    }
}
