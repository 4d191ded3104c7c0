// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.protocol.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The bodies of {@code /api/v1/channels} (docs/api.md). */
public final class ChannelsApi {
    private ChannelsApi() {}

    /** What one role may do in a channel; in a request all three are required. */
    public record PermissionRow(Boolean canRead, Boolean canWrite, Boolean canManage) {}

    /**
     * A speaking condition: {@code min_role} with a {@code role}, or {@code min_membership_age}
     * with {@code seconds}; the other field is null.
     */
    public record Condition(String type, String role, Long seconds) {}

    /** {@code POST /api/v1/channels}; fields other than the name may be null (defaults apply). */
    public record CreateRequest(
            String name,
            String type,
            String description,
            @JsonProperty("private") Boolean isPrivate,
            Map<String, PermissionRow> permissions,
            List<Condition> speakingConditions) {}

    /** {@code PUT /api/v1/channels/{id}}: null fields stay unchanged. */
    public record UpdateRequest(
            String name,
            String description,
            @JsonProperty("private") Boolean isPrivate,
            Boolean archived,
            Map<String, PermissionRow> permissions,
            List<Condition> speakingConditions) {}

    /** What the caller may do in the channel, and why it may not write, if it may not. */
    public record Access(boolean canRead, boolean canWrite, boolean canManage, Optional<String> writeRefusal) {
        public Access {
            writeRefusal = writeRefusal == null ? Optional.empty() : writeRefusal;
        }
    }

    /** A channel as the caller sees it. */
    public record ChannelView(
            String id,
            String name,
            String type,
            String description,
            @JsonProperty("private") boolean isPrivate,
            boolean archived,
            Optional<String> createdBy,
            String createdAt,
            Map<String, PermissionRow> permissions,
            List<Condition> speakingConditions,
            Access access) {
        public ChannelView {
            createdBy = createdBy == null ? Optional.empty() : createdBy;
            permissions =
                    permissions == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(permissions));
            speakingConditions = speakingConditions == null ? List.of() : List.copyOf(speakingConditions);
        }
    }

    /** {@code GET /api/v1/channels}: the channels the caller can see. */
    public record ChannelList(List<ChannelView> channels) {
        public ChannelList {
            channels = channels == null ? List.of() : List.copyOf(channels);
        }
    }

    /** A member of a private channel. */
    public record MemberEntry(String accountId) {}

    /** {@code GET /api/v1/channels/{id}/members}. */
    public record MemberList(List<MemberEntry> members) {
        public MemberList {
            members = members == null ? List.of() : List.copyOf(members);
        }
    }
}
