// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.protocol.directory;

import java.util.List;
import java.util.Objects;

/**
 * What a community server signs to register ({@code POST /api/v1/community/register}) or update
 * ({@code PUT /api/v1/community/{id}}) its listing.
 *
 * @param directory the directory's server id ({@code GET /api/v1/server}), so the request is
 *     worthless at another directory
 * @param timestamp milliseconds since the epoch; the directory accepts five minutes either way
 * @param nonce 16 to 64 characters, unique per request
 * @param serverKey base64 of the community's Ed25519 server key, which signs the request
 * @param adminAccount the {@code nxl:} id of the admin, whose KYC must be approved
 * @param pow the proof-of-work counter over {@link SigningDomains#powChallenge} (ignored on update)
 */
public record CommunityRegistration(
        String directory,
        long timestamp,
        String nonce,
        String name,
        String description,
        List<String> tags,
        String endpoint,
        String adminAccount,
        String serverKey,
        long pow) {
    public CommunityRegistration {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(nonce, "nonce");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        tags = List.copyOf(Objects.requireNonNull(tags, "tags"));
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(adminAccount, "adminAccount");
        Objects.requireNonNull(serverKey, "serverKey");
    }
}
