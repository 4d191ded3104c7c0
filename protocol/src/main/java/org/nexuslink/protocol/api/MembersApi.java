// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.protocol.api;

import java.util.List;
import java.util.Optional;

/** The bodies of {@code /api/v1/members} and its moderation endpoints (docs/api.md). */
public final class MembersApi {
    private MembersApi() {}

    /** A member as the member list and the moderation endpoints show it. */
    public record MemberView(
            String accountId, Optional<String> displayName, String role, String status, String joinedAt) {
        public MemberView {
            displayName = displayName == null ? Optional.empty() : displayName;
        }
    }

    /** {@code GET /api/v1/members}: a page, and the {@code after} value of the next one if any. */
    public record MemberPage(List<MemberView> members, Optional<String> next) {
        public MemberPage {
            members = members == null ? List.of() : List.copyOf(members);
            next = next == null ? Optional.empty() : next;
        }
    }

    /** {@code PUT /api/v1/members/{account_id}/role}. */
    public record RoleRequest(String role) {}

    /** {@code POST /api/v1/members/{account_id}/ban}; the reason may be null. */
    public record BanRequest(String reason) {}

    /**
     * {@code POST /api/v1/members/{account_id}/mute}: in one channel or community-wide (null
     * channel), for a duration or until lifted (null duration).
     */
    public record MuteRequest(String channelId, Long durationSeconds, String reason) {}

    /** A mute as the server applied it. */
    public record MuteView(
            String accountId, Optional<String> channelId, Optional<String> expiresAt, Optional<String> reason) {
        public MuteView {
            channelId = channelId == null ? Optional.empty() : channelId;
            expiresAt = expiresAt == null ? Optional.empty() : expiresAt;
            reason = reason == null ? Optional.empty() : reason;
        }
    }
}
