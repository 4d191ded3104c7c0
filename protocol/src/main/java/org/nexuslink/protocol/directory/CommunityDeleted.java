// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.protocol.directory;

import java.util.Objects;

/** The answer to {@code DELETE /api/v1/community/{id}}: the id of the listing deleted. */
public record CommunityDeleted(String deleted) {
    public CommunityDeleted {
        Objects.requireNonNull(deleted, "deleted");
    }
}
