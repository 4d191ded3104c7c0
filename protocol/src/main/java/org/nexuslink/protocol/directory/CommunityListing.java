// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.protocol.directory;

import java.util.List;
import java.util.Objects;

/**
 * A community as the directory lists it. {@code listingSignature} is the directory's Ed25519
 * signature (its {@code GET /api/v1/server} key) over {@link SigningDomains#LISTING} and
 * {@link SigningDomains#listingBytes}: a client that pinned the directory checks it, then checks
 * that the community's live key equals {@code serverKey} before it joins.
 *
 * @param verified whether the admin's KYC is approved (the "verified" mark)
 * @param reputation 0 to 1, docs/directory.md says how it is computed
 * @param status {@code active} or {@code suspended}
 */
public record CommunityListing(
        String communityId,
        String name,
        String description,
        List<String> tags,
        String endpoint,
        String serverKey,
        String adminAccount,
        boolean verified,
        double reputation,
        String status,
        long registeredAt,
        long lastSeenAt,
        String listingSignature) {
    public CommunityListing {
        Objects.requireNonNull(communityId, "communityId");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        tags = List.copyOf(Objects.requireNonNull(tags, "tags"));
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(serverKey, "serverKey");
        Objects.requireNonNull(adminAccount, "adminAccount");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(listingSignature, "listingSignature");
    }
}
