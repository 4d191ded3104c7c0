// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The reconnect delays: exponential, capped, spread by full jitter, never zero. */
class BackoffTest {

    @Test
    void the_bound_doubles_per_attempt_up_to_the_cap() {
        assertThat(SyncLoop.backoff(1, 1.0)).isEqualTo(Duration.ofMillis(250));
        assertThat(SyncLoop.backoff(2, 1.0)).isEqualTo(Duration.ofMillis(500));
        assertThat(SyncLoop.backoff(5, 1.0)).isEqualTo(Duration.ofMillis(4000));
        assertThat(SyncLoop.backoff(8, 1.0)).isEqualTo(SyncLoop.MAX_BACKOFF);
        assertThat(SyncLoop.backoff(1000, 1.0))
                .as("no overflow after many attempts")
                .isEqualTo(SyncLoop.MAX_BACKOFF);
    }

    @Test
    void jitter_spreads_the_wait_below_the_bound_but_never_to_zero() {
        assertThat(SyncLoop.backoff(6, 0.5)).isEqualTo(Duration.ofMillis(4000));
        assertThat(SyncLoop.backoff(6, 0.0)).isEqualTo(Duration.ofMillis(125));
        assertThat(SyncLoop.backoff(1, 0.1)).isEqualTo(Duration.ofMillis(125));
    }
}
