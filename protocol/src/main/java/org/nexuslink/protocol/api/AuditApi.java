// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.protocol.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The body of {@code GET /api/v1/audit} (docs/api.md). */
public final class AuditApi {
    private AuditApi() {}

    /** One audit entry; {@code details} is the action's JSON object. */
    public record Entry(
            long id,
            String actor,
            String action,
            Optional<String> targetAccount,
            Optional<String> targetChannel,
            Map<String, Object> details,
            String createdAt) {
        public Entry {
            targetAccount = targetAccount == null ? Optional.empty() : targetAccount;
            targetChannel = targetChannel == null ? Optional.empty() : targetChannel;
            details = details == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(details));
        }
    }

    /** A page of entries, newest first, and the {@code before} value of the next page if any. */
    public record Page(List<Entry> entries, Optional<String> next) {
        public Page {
            entries = entries == null ? List.of() : List.copyOf(entries);
            next = next == null ? Optional.empty() : next;
        }
    }
}
