// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.protocol.directory;

import java.util.Objects;

/**
 * What a community server signs to delete its listing ({@code DELETE /api/v1/community/{id}}) or
 * to send a heartbeat ({@code POST /api/v1/community/{id}/heartbeat}).
 */
public record CommunityNotice(String directory, long timestamp, String nonce, String communityId) {
    public CommunityNotice {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(nonce, "nonce");
        Objects.requireNonNull(communityId, "communityId");
    }
}
