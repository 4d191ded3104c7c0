// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.directory;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A community's reputation, 0 to 1 (docs/directory.md):
 * {@code (0.5 * uptime + 0.2 * age + 0.3 * heartbeat) / (1 + open reports)}, where uptime is the
 * share of answered probes (1 before the first probe), age grows linearly to 1 over 30 days,
 * and heartbeat is 1 when a heartbeat arrived within {@code directory.unreachable_after}, else 0.
 * Search ranks by relevance times {@code 0.5 + reputation}. Pure.
 */
public record Reputation(
        long probesTotal, long probesOk, Instant registeredAt, Optional<Instant> lastHeartbeatAt, int openReports) {
    static final Duration FULL_AGE = Duration.ofDays(30);

    /** The score at {@code now}. */
    public double score(Instant now, Duration heartbeatWindow) {
        double uptime = probesTotal == 0 ? 1.0 : (double) probesOk / probesTotal;
        double age = Math.min(
                1.0, Math.max(0, Duration.between(registeredAt, now).toMillis()) / (double) FULL_AGE.toMillis());
        double heartbeat = lastHeartbeatAt
                        .filter(at -> !at.plus(heartbeatWindow).isBefore(now))
                        .isPresent()
                ? 1.0
                : 0.0;
        return (0.5 * uptime + 0.2 * age + 0.3 * heartbeat) / (1 + openReports);
    }
}
