// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.WebSocketHandshakeException;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.nexuslink.protocol.Ack;
import org.nexuslink.protocol.Body;
import org.nexuslink.protocol.Bytes;
import org.nexuslink.protocol.Command;
import org.nexuslink.protocol.ConversationId;
import org.nexuslink.protocol.Envelope;
import org.nexuslink.protocol.ErrorBody;
import org.nexuslink.protocol.Event;
import org.nexuslink.protocol.Hello;
import org.nexuslink.protocol.Kind;
import org.nexuslink.protocol.Notice;
import org.nexuslink.protocol.Seq;
import org.nexuslink.server.storage.Database;
import org.nexuslink.server.storage.DatabaseUrl;
import org.nexuslink.server.testing.DatabaseTest;
import org.nexuslink.server.testing.MutableClock;
import org.nexuslink.server.testing.TestAccount;
import org.nexuslink.server.testing.TestServer;
import org.nexuslink.server.testing.TestWebSocket;

/** The /ws endpoint over real WebSockets: authenticated upgrade, envelopes, notices. */
class GatewayTest {
    private final MutableClock clock = new MutableClock();

    private static int upgradeStatus(TestServer server, String token) {
        Throwable failure = assertThatThrownBy(() -> TestWebSocket.connect(server, token))
                .isInstanceOf(CompletionException.class)
                .actual();
        assertThat(failure.getCause()).isInstanceOf(WebSocketHandshakeException.class);
        return ((WebSocketHandshakeException) failure.getCause()).getResponse().statusCode();
    }

    @DatabaseTest
    void the_upgrade_requires_a_valid_token(DatabaseUrl url) {
        try (TestServer server = TestServer.start(url, clock, Map.of())) {
            assertThat(upgradeStatus(server, null)).isEqualTo(401);
            assertThat(upgradeStatus(server, "not-a-token")).isEqualTo(401);
        }
    }

    @DatabaseTest
    void a_banned_account_cannot_connect(DatabaseUrl url, Database database) {
        TestAccount mallory = new TestAccount(clock);
        try (TestServer server = TestServer.start(url, clock, Map.of())) {
            String token = mallory.join(server, mallory.device(1));
            database.inTransaction(
                    h -> h.createUpdate("UPDATE members SET is_banned = TRUE").execute());

            assertThat(upgradeStatus(server, token)).isEqualTo(403);
        }
    }

    @DatabaseTest
    void an_authenticated_device_pings_and_is_counted(DatabaseUrl url) {
        TestAccount alice = new TestAccount(clock);
        try (TestServer server = TestServer.start(url, clock, Map.of())) {
            String token = alice.join(server, alice.device(1));
            try (TestWebSocket ws = TestWebSocket.connect(server, token)) {
                ws.send(Envelope.of(Command.HELLO, new Seq(1), new Hello(token)));
                ws.send(Envelope.of(Command.PING, new Seq(2), Body.Empty.INSTANCE));

                assertThat(ws.next()).isEqualTo(Envelope.of(Command.ACK, new Seq(1), Ack.EMPTY));
                assertThat(ws.next()).isEqualTo(Envelope.of(Command.PONG, new Seq(2), Body.Empty.INSTANCE));
                assertThat(server.get("/health", null)
                                .body()
                                .get("websocket_connections")
                                .asInt())
                        .isEqualTo(1);
            }
        }
    }

    @DatabaseTest
    void a_device_without_prekeys_is_told_to_upload_them_when_it_connects(DatabaseUrl url) {
        TestAccount alice = new TestAccount(clock);
        try (TestServer server = TestServer.start(url, clock, Map.of())) {
            try (TestWebSocket ws = TestWebSocket.connect(server, alice.join(server, alice.device(1)))) {
                Envelope first = ws.nextIncludingNotices();

                assertThat(first.command()).isEqualTo(Command.NOTICE);
                assertThat(first.body()).isEqualTo(new Notice(Notice.PREKEYS_LOW, "ec=0,kyber=0"));
            }
        }
    }

    @DatabaseTest
    void a_malformed_frame_gets_an_error_and_the_connection_stays_open(DatabaseUrl url) {
        TestAccount alice = new TestAccount(clock);
        try (TestServer server = TestServer.start(url, clock, Map.of())) {
            try (TestWebSocket ws = TestWebSocket.connect(server, alice.join(server, alice.device(1)))) {
                ws.sendRaw(new byte[] {(byte) 0x84, 0x00});
                ws.sendText("hello");
                // A well-formed envelope the server only sends, never accepts.
                ws.send(Envelope.of(
                        Command.EVENT_PUSH,
                        new Seq(9),
                        Event.of(new ConversationId(Bytes.of(new byte[] {1})), Kind.TEXT, Bytes.of(new byte[] {1, 2, 3
                                }))
                                .stored(new org.nexuslink.protocol.MessageId(1), java.time.Instant.ofEpochSecond(1))));
                ws.send(Envelope.of(Command.PING, new Seq(3), Body.Empty.INSTANCE));

                assertThat(((ErrorBody) ws.next().body()).code()).isEqualTo("malformed_frame");
                assertThat(((ErrorBody) ws.next().body()).code()).isEqualTo("malformed_frame");
                Envelope refused = ws.next();
                assertThat(refused.seq()).isEqualTo(new Seq(9));
                assertThat(((ErrorBody) refused.body()).code()).isEqualTo("unexpected_command");
                assertThat(ws.next().command()).isEqualTo(Command.PONG);
            }
        }
    }

    @DatabaseTest
    void removing_a_device_notifies_the_others_and_closes_its_connection(DatabaseUrl url) {
        TestAccount alice = new TestAccount(clock);
        TestAccount.CertifiedDevice phone = alice.device(1);
        TestAccount.CertifiedDevice laptop = alice.device(2);
        try (TestServer server = TestServer.start(url, clock, Map.of())) {
            String phoneToken = alice.join(server, phone);
            alice.register(server, phoneToken, laptop);
            String laptopToken = alice.authenticate(server, laptop);
            try (TestWebSocket phoneWs = TestWebSocket.connect(server, phoneToken);
                    TestWebSocket laptopWs = TestWebSocket.connect(server, laptopToken)) {

                assertThat(alice.remove(server, phoneToken, laptop).status()).isEqualTo(204);

                assertThat(phoneWs.next().body()).isEqualTo(new Notice(Notice.DEVICE_REMOVED, "device=2"));
                assertThat(laptopWs.next().body()).isEqualTo(new Notice(Notice.DEVICE_REMOVED, "device=2"));
                assertThat(laptopWs.closeCode(5)).isEqualTo(Connection.CLOSE_REVOKED);
            }
        }
    }
}
