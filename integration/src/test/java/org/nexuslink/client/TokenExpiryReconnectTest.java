// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.nexuslink.server.storage.DatabaseUrl;
import org.nexuslink.server.testing.DatabaseTest;
import org.nexuslink.server.testing.MutableClock;

class TokenExpiryReconnectTest {
    private final MutableClock clock = new MutableClock();

    @TempDir
    Path dir;

    @DatabaseTest
    void a_client_whose_token_expires_is_disconnected_signs_in_again_and_keeps_receiving(DatabaseUrl url)
            throws Exception {
        try (TwoMembers m = TwoMembers.joined(url, clock, dir, Map.of())) {
            m.alice().connection.clear();
            clock.advance(Duration.ofHours(24));

            assertThat(m.server().server().sweepExpiredTokens()).isGreaterThanOrEqualTo(2);

            assertThat(m.alice().connection.poll(20, TimeUnit.SECONDS))
                    .as("alice was disconnected")
                    .isFalse();
            assertThat(m.alice().connection.poll(20, TimeUnit.SECONDS))
                    .as("alice reconnected")
                    .isTrue();
            m.bob().client.sendText(m.alice().dm(), "after the token expired", Optional.empty());
            assertThat(m.alice().next().text()).isEqualTo("after the token expired");
        }
    }
}
