// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nexuslink.protocol.Body;
import org.nexuslink.protocol.Command;
import org.nexuslink.protocol.Envelope;
import org.nexuslink.protocol.Seq;
import org.nexuslink.server.storage.DatabaseUrl;
import org.nexuslink.server.testing.MutableClock;
import org.nexuslink.server.testing.SqliteDatabaseExtension;
import org.nexuslink.server.testing.TestAccount;
import org.nexuslink.server.testing.TestServer;
import org.nexuslink.server.testing.TestWebSocket;

/**
 * The slow-connection attacks of issue 18 item 6 over raw sockets: a request that never
 * completes, connections beyond the per-address cap, and a large body sent without a token.
 */
@ExtendWith(SqliteDatabaseExtension.class)
class SlowClientAttacksTest {
    private final MutableClock clock = new MutableClock();

    private static Socket open(TestServer server) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static void write(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
    }

    /** Reads until the server closes; true if it did (EOF or reset) before the socket's read timeout. */
    private static boolean closedByServer(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        try {
            while (in.read() != -1) {
                // drain whatever the server answered before closing
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException reset) {
            return true;
        }
    }

    /** The status line and headers of one response; its body (by Content-Length) is read and dropped. */
    private static String head(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                return head.toString();
            }
            head.append((char) b);
        }
        java.util.regex.Matcher length =
                java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
        if (length.find()) {
            in.readNBytes(Integer.parseInt(length.group(1)));
        }
        return head.toString();
    }

    @Test
    void a_client_sending_half_a_request_line_is_closed_within_the_idle_timeout(DatabaseUrl url) throws Exception {
        try (TestServer server = TestServer.start(url, clock, Map.of("NEXUSLINK_LIMITS_HTTP_IDLE_TIMEOUT", "1"));
                Socket slow = open(server);
                Socket idle = open(server)) {
            long started = System.nanoTime();
            write(slow, "GET /hea");

            assertThat(closedByServer(slow))
                    .as("closed by the server, not by our 10 s read timeout")
                    .isTrue();
            assertThat(closedByServer(idle))
                    .as("a connection that never sends a byte goes the same way")
                    .isTrue();
            assertThat((System.nanoTime() - started) / 1_000_000)
                    .as("milliseconds until closed")
                    .isLessThan(5_000);
            assertThat(server.get("/health", null).status())
                    .as("the server serves the others")
                    .isEqualTo(200);
        }
    }

    @Test
    void a_keep_alive_connection_is_closed_once_idle_and_a_websocket_is_not(DatabaseUrl url) throws Exception {
        TestAccount alice = new TestAccount(clock);
        try (TestServer server = TestServer.start(url, clock, Map.of("NEXUSLINK_LIMITS_HTTP_IDLE_TIMEOUT", "1"))) {
            String token = alice.join(server, alice.device(1));
            try (Socket keepAlive = open(server);
                    TestWebSocket ws = TestWebSocket.connect(server, token)) {
                write(keepAlive, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
                assertThat(head(keepAlive)).startsWith("HTTP/1.1 200");
                assertThat(closedByServer(keepAlive))
                        .as("idle after its answer")
                        .isTrue();

                ws.send(Envelope.of(Command.PING, new Seq(1), Body.Empty.INSTANCE));
                assertThat(ws.next().command())
                        .as("the websocket outlived the HTTP idle timeout")
                        .isEqualTo(Command.PONG);
            }
        }
    }

    @Test
    void connections_beyond_connections_per_ip_are_closed_at_accept(DatabaseUrl url) throws Exception {
        try (TestServer server = TestServer.start(url, clock, Map.of("NEXUSLINK_LIMITS_CONNECTIONS_PER_IP", "2"))) {
            try (Socket first = open(server);
                    Socket second = open(server)) {
                for (Socket s : new Socket[] {first, second}) {
                    write(s, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
                    assertThat(head(s)).startsWith("HTTP/1.1 200");
                }
                try (Socket third = open(server)) {
                    write(third, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
                    assertThat(closedByServer(third)).isTrue();
                }
                // The first two were not disturbed.
                write(first, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
                assertThat(head(first)).startsWith("HTTP/1.1 200");
            }
            // At least the third; the metrics request itself may have met the cap before the closes were seen.
            assertThat(metricsOnceAdmitted(server))
                    .containsPattern("nexuslink_rate_limited_total\\{limit=\"connections_per_ip\"} [1-9]");
        }
    }

    /** /metrics, as soon as the closed sockets' slots are free again (bounded by 5 s). */
    private static String metricsOnceAdmitted(TestServer server) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (true) {
            try {
                return server.metrics();
            } catch (java.io.UncheckedIOException stillFull) {
                if (System.nanoTime() > deadline) {
                    throw stillFull;
                }
            }
        }
    }

    @Test
    void a_stranger_cannot_make_the_server_buffer_a_large_body(DatabaseUrl url) throws Exception {
        try (TestServer server = TestServer.start(url, clock, Map.of())) {
            for (String auth : new String[] {"", "Authorization: Bearer not-a-token\r\n"}) {
                try (Socket socket = open(server)) {
                    // The head announces half a megabyte; no byte of it follows.
                    write(
                            socket,
                            "POST /api/v1/auth/challenge HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                    + auth + "Content-Length: 500000\r\n\r\n");

                    String head = head(socket);
                    assertThat(head)
                            .as("refused on the head, without waiting for the body")
                            .startsWith(auth.isEmpty() ? "HTTP/1.1 413" : "HTTP/1.1 401");
                    assertThat(closedByServer(socket)).isTrue();
                }
            }
        }
    }
}
