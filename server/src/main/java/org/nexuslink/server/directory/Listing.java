// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.directory;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.nexuslink.crypto.server.ServerPublicKey;

/**
 * A listed community as {@link CommunityStore} holds it.
 *
 * @param seq the row's surrogate key (the full-text index's rowid)
 * @param verified whether the admin's KYC is approved
 * @param openReports abuse reports not yet resolved
 */
public record Listing(
        long seq,
        String communityId,
        String name,
        String description,
        List<String> tags,
        String endpoint,
        String adminAccount,
        ServerPublicKey serverKey,
        Status status,
        Instant registeredAt,
        Instant updatedAt,
        Optional<Instant> lastHeartbeatAt,
        Instant lastSeenAt,
        long probesTotal,
        long probesOk,
        int probeFailures,
        double reputation,
        boolean verified,
        int openReports) {

    /** Whether the community appears in search results. */
    public enum Status {
        ACTIVE,
        SUSPENDED
    }

    public Listing {
        Objects.requireNonNull(communityId, "communityId");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        tags = List.copyOf(tags);
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(adminAccount, "adminAccount");
        Objects.requireNonNull(serverKey, "serverKey");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(registeredAt, "registeredAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        Objects.requireNonNull(lastHeartbeatAt, "lastHeartbeatAt");
        Objects.requireNonNull(lastSeenAt, "lastSeenAt");
    }

    /** The inputs of this community's {@link Reputation}. */
    public Reputation reputationInputs() {
        return new Reputation(probesTotal, probesOk, registeredAt, lastHeartbeatAt, openReports);
    }
}
