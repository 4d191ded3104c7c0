// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.protocol.directory;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** A page of {@code GET /api/v1/community/search}; {@code nextOffset} is present when more follow. */
public record SearchResults(List<CommunityListing> communities, Optional<Integer> nextOffset) {
    public SearchResults {
        communities = List.copyOf(Objects.requireNonNull(communities, "communities"));
        nextOffset = nextOffset == null ? Optional.empty() : nextOffset;
    }
}
