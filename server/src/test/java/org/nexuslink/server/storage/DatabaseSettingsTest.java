// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DatabaseSettingsTest {

    @Test
    void defaults_to_seed_000s_twenty_connections_and_ten_seconds() {
        assertThat(DatabaseSettings.defaults()).isEqualTo(new DatabaseSettings(20, Duration.ofSeconds(10)));
    }

    @Test
    void refuses_a_pool_without_connections_or_absurdly_large() {
        assertThatThrownBy(() -> new DatabaseSettings(0, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("max_connections must be between 1 and 1000, got 0");
        assertThatThrownBy(() -> new DatabaseSettings(1001, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("max_connections must be between 1 and 1000, got 1001");
    }

    @Test
    void refuses_a_connect_timeout_below_250_ms_or_above_10_minutes() {
        assertThatThrownBy(() -> new DatabaseSettings(5, Duration.ofMillis(249)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("connect_timeout must be between 250 ms and 10 minutes, got 249 ms");
        assertThatThrownBy(() -> new DatabaseSettings(5, Duration.ofMinutes(11)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("connect_timeout must be between 250 ms and 10 minutes, got 660000 ms");
        assertThat(new DatabaseSettings(1, Duration.ofMillis(250)).maxConnections())
                .isOne();
    }
}
