// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nexuslink.protocol.Ack;
import org.nexuslink.protocol.Body;
import org.nexuslink.protocol.Bytes;
import org.nexuslink.protocol.Command;
import org.nexuslink.protocol.DirectPush;
import org.nexuslink.protocol.DirectSend;
import org.nexuslink.protocol.Envelope;
import org.nexuslink.protocol.ErrorBody;
import org.nexuslink.protocol.Notice;
import org.nexuslink.protocol.Seq;
import org.nexuslink.server.storage.DatabaseUrl;
import org.nexuslink.server.testing.MutableClock;
import org.nexuslink.server.testing.SqliteDatabaseExtension;
import org.nexuslink.server.testing.TestAccount;
import org.nexuslink.server.testing.TestServer;
import org.nexuslink.server.testing.TestWebSocket;

/** Per-connection send rate and the slow-consumer bound, over real WebSockets. */
@ExtendWith(SqliteDatabaseExtension.class)
class GatewayLimitsTest {
    private final MutableClock clock = new MutableClock();

    @Test
    void requests_beyond_the_rate_limit_are_refused_and_the_bucket_refills(DatabaseUrl url) {
        TestAccount alice = new TestAccount(clock);
        try (TestServer server =
                TestServer.start(url, clock, Map.of("NEXUSLINK_RATE_LIMIT_WS_MESSAGES_PER_SECOND", "3"))) {
            try (TestWebSocket ws = TestWebSocket.connect(server, alice.join(server, alice.device(1)))) {
                for (int i = 1; i <= 4; i++) {
                    ws.send(Envelope.of(Command.PING, new Seq(i), Body.Empty.INSTANCE));
                }
                List<Envelope> replies = List.of(ws.next(), ws.next(), ws.next(), ws.next());
                clock.advance(java.time.Duration.ofSeconds(1));
                ws.send(Envelope.of(Command.PING, new Seq(5), Body.Empty.INSTANCE));

                assertThat(replies).filteredOn(e -> e.command() == Command.PONG).hasSize(3);
                Envelope refused = replies.stream()
                        .filter(e -> e.command() == Command.ERROR)
                        .findFirst()
                        .orElseThrow();
                assertThat(refused.seq()).isEqualTo(new Seq(4));
                assertThat(((ErrorBody) refused.body()).code()).isEqualTo("rate_limited");
                assertThat(ws.next().command()).isEqualTo(Command.PONG);
            }
        }
    }

    @Test
    void a_device_acknowledges_a_backlog_far_larger_than_its_send_rate(DatabaseUrl url) {
        TestAccount alice = new TestAccount(clock);
        TestAccount bob = new TestAccount(clock);
        int messages = 30;
        try (TestServer server =
                TestServer.start(url, clock, Map.of("NEXUSLINK_RATE_LIMIT_WS_MESSAGES_PER_SECOND", "3"))) {
            String aliceToken = alice.join(server, alice.device(1));
            String bobToken = bob.join(server, bob.device(1));
            try (TestWebSocket sender = TestWebSocket.connect(server, aliceToken)) {
                for (int i = 0; i < messages; i++) {
                    if (i % 3 == 0) {
                        clock.advance(java.time.Duration.ofSeconds(1)); // three sends a second
                    }
                    byte[] id = new byte[16];
                    id[0] = (byte) i;
                    sender.send(Envelope.of(
                            Command.SEND_DIRECT,
                            new Seq(i + 1),
                            new DirectSend(
                                    Bytes.of(id),
                                    List.of(new DirectSend.Copy(bob.id(), 1, 2, Bytes.of(new byte[] {(byte) i}))))));
                    assertThat(sender.next().command()).isEqualTo(Command.ACK);
                }
            }
            try (TestWebSocket receiver = TestWebSocket.connect(server, bobToken)) {
                for (int i = 0; i < messages; i++) {
                    DirectPush push = (DirectPush) receiver.next().body();
                    receiver.send(Envelope.of(
                            Command.ACK,
                            new Seq(i + 1),
                            new Ack(
                                    java.util.Optional.of(new org.nexuslink.protocol.MessageId(push.entry())),
                                    java.util.Optional.empty())));
                }
                receiver.send(Envelope.of(Command.PING, new Seq(1_000), Body.Empty.INSTANCE));

                assertThat(receiver.next())
                        .as("acks answering pushes took no token: the ping still has one")
                        .isEqualTo(Envelope.of(Command.PONG, new Seq(1_000), Body.Empty.INSTANCE));
                assertThat(server.get("/health", null)
                                .body()
                                .get("pending_messages")
                                .asInt())
                        .isZero();
            }
        }
    }

    @Test
    void a_device_that_stops_reading_is_disconnected_and_loses_nothing(DatabaseUrl url) throws Exception {
        TestAccount alice = new TestAccount(clock);
        TestAccount bob = new TestAccount(clock);
        int messages = 300;
        try (TestServer server =
                TestServer.start(url, clock, Map.of("NEXUSLINK_RATE_LIMIT_WS_MESSAGES_PER_SECOND", "100000"))) {
            String aliceToken = alice.join(server, alice.device(1));
            String bobToken = bob.join(server, bob.device(1));
            try (java.net.Socket stalled = TestWebSocket.stalled(server, bobToken);
                    TestWebSocket sender = TestWebSocket.connect(server, aliceToken)) {
                byte[] payload = new byte[60_000];
                for (int i = 0; i < messages; i++) {
                    byte[] id = new byte[16];
                    id[0] = (byte) (i >> 8);
                    id[1] = (byte) i;
                    payload[0] = (byte) i;
                    sender.send(Envelope.of(
                            Command.SEND_DIRECT,
                            new Seq(i + 1),
                            new DirectSend(
                                    Bytes.of(id), List.of(new DirectSend.Copy(bob.id(), 1, 2, Bytes.of(payload))))));
                }
                for (int i = 0; i < messages; i++) {
                    assertThat(sender.next().command()).isEqualTo(Command.ACK);
                }

                assertThat(server.get("/health", null)
                                .body()
                                .get("websocket_connections")
                                .asInt())
                        .as("the stalled connection was dropped")
                        .isEqualTo(1);
            }
            try (TestWebSocket resumed = TestWebSocket.connect(server, bobToken)) {
                Set<Bytes> ids = new HashSet<>();
                for (int i = 0; i < messages; i++) {
                    ids.add(((DirectPush) resumed.next().body()).messageId());
                }
                assertThat(ids).hasSize(messages);
                // The notice waits for room like the entries did: a busy connection is not dropped for it.
                assertThat(resumed.nextNotice()).isEqualTo(new Notice(Notice.QUEUE_EMPTY, ""));
                resumed.send(Envelope.of(Command.PING, new Seq(1), Body.Empty.INSTANCE));
                assertThat(resumed.next().command()).isEqualTo(Command.PONG);
            }
        }
    }
}
