// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.protocol.directory;

import java.util.Objects;

/** An abuse report as its reporter sees it: {@code open}, {@code upheld} or {@code dismissed}. */
public record ReportStatus(String reportId, String communityId, String status, long createdAt) {
    public ReportStatus {
        Objects.requireNonNull(reportId, "reportId");
        Objects.requireNonNull(communityId, "communityId");
        Objects.requireNonNull(status, "status");
    }
}
