// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.nexuslink.protocol.Notice;
import org.nexuslink.server.gateway.Connection;
import org.nexuslink.server.storage.Database;
import org.nexuslink.server.storage.DatabaseUrl;
import org.nexuslink.server.testing.DatabaseTest;
import org.nexuslink.server.testing.MutableClock;
import org.nexuslink.server.testing.TestAccount;
import org.nexuslink.server.testing.TestServer;
import org.nexuslink.server.testing.TestWebSocket;

class TokenExpiryTest {
    private final MutableClock clock = new MutableClock();

    @DatabaseTest
    void a_websocket_opened_with_a_token_ends_when_the_token_expires(DatabaseUrl url, Database database) {
        TestAccount alice = new TestAccount(clock);
        TestAccount.CertifiedDevice phone = alice.device(1);
        try (TestServer server = TestServer.start(url, clock, Map.of())) {
            String token = alice.join(server, phone);
            try (TestWebSocket ws = TestWebSocket.connect(server, token)) {
                // The server lists a connection just after its handshake; the drain on connect,
                // which ends in queue_empty, runs once it is listed, so the sweep below sees it.
                assertThat(ws.nextNotice().type()).isEqualTo(Notice.QUEUE_EMPTY);
                clock.advance(TokenStore.TOKEN_LIFETIME.minusSeconds(1));
                assertThat(server.server().sweepExpiredTokens()).isZero();
                clock.advance(Duration.ofSeconds(1));

                assertThat(server.server().sweepExpiredTokens()).isEqualTo(1);

                assertThat(ws.closeCode(5)).isEqualTo(Connection.CLOSE_TOKEN_EXPIRED);
                assertThat(ws.closeReason(5)).isEqualTo("token expired: sign in again");
            }
            assertThat(count(database)).isZero();
            assertThat(server.get("/api/v1/devices", token).code()).isEqualTo("token_invalid");
            String fresh = alice.authenticate(server, phone);
            assertThat(server.get("/api/v1/devices", fresh).status()).isEqualTo(200);
        }
    }

    @DatabaseTest
    void the_sweep_deletes_only_expired_tokens(DatabaseUrl url, Database database) {
        TestAccount alice = new TestAccount(clock);
        TestAccount.CertifiedDevice phone = alice.device(1);
        try (TestServer server = TestServer.start(url, clock, Map.of())) {
            alice.join(server, phone);
            clock.advance(Duration.ofHours(12));
            String later = alice.authenticate(server, phone);
            clock.advance(Duration.ofHours(12));

            assertThat(server.server().sweepExpiredTokens()).isEqualTo(1);

            assertThat(count(database)).isEqualTo(1);
            assertThat(server.get("/api/v1/devices", later).status()).isEqualTo(200);
        }
    }

    private static long count(Database database) {
        return database.jdbi()
                .withHandle(h -> h.createQuery("SELECT COUNT(*) FROM auth_tokens")
                        .mapTo(Long.class)
                        .one());
    }
}
