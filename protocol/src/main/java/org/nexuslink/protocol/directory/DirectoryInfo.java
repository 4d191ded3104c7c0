// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.protocol.directory;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code GET /api/v1/directory}: what a client needs before it signs a request.
 *
 * @param powDifficulty leading zero bits a registration's proof of work needs
 * @param complianceKey base64 X25519 key KYC materials are sealed to; absent when KYC is not offered
 * @param kycMaterials the materials a KYC submission must contain
 * @param reportThreshold distinct reporters that suspend a community
 */
public record DirectoryInfo(
        String serverId,
        int powDifficulty,
        Optional<String> complianceKey,
        List<String> kycMaterials,
        int reportThreshold) {
    public DirectoryInfo {
        Objects.requireNonNull(serverId, "serverId");
        complianceKey = complianceKey == null ? Optional.empty() : complianceKey;
        kycMaterials = List.copyOf(Objects.requireNonNull(kycMaterials, "kycMaterials"));
    }
}
