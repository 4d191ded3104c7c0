// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.protocol.directory;

import java.util.Objects;

/** The answer to a registration: the community's id in this directory and its signed listing. */
public record Registered(String communityId, CommunityListing listing) {
    public Registered {
        Objects.requireNonNull(communityId, "communityId");
        Objects.requireNonNull(listing, "listing");
    }
}
