// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.community;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.nexuslink.protocol.Envelope;

/**
 * What the client takes from a server's WebSocket: a hostile server that sends an endless frame,
 * or a frame that is no envelope, gets the connection dropped with a clear code, and nothing is
 * handed on.
 */
class EnvelopeSocketLimitsTest {
    /** Far more than the client's buffers and the loopback's socket buffers hold together. */
    private static final long HUGE = 64L * 1024 * 1024;

    @Test
    void a_hostile_server_cannot_make_the_client_buffer_an_oversized_frame() throws Exception {
        // One unmasked binary frame that declares 2^40 bytes (FIN, opcode 2, 64-bit length).
        byte[] header = ByteBuffer.allocate(10)
                .put((byte) 0x82)
                .put((byte) 127)
                .putLong(1L << 40)
                .array();
        HttpClient http = HttpClient.newHttpClient();
        try (HostileWebSocketServer server = new HostileWebSocketServer(header, HUGE)) {
            List<Envelope> delivered = new CopyOnWriteArrayList<>();
            CompletableFuture<String> closed = new CompletableFuture<>();
            try (EnvelopeSocket socket = EnvelopeSocket.connect(
                    http,
                    server.uri(),
                    "token",
                    delivered::add,
                    (code, reason) -> closed.complete(code + " " + reason))) {
                assertThat(closed.get(30, TimeUnit.SECONDS))
                        .isEqualTo(EnvelopeSocket.TOO_BIG + " the server sent a frame over "
                                + EnvelopeSocket.MAX_FRAME_BYTES + " bytes");
                assertThat(server.written().get(30, TimeUnit.SECONDS))
                        .as("bytes the server got out before the drop")
                        .isLessThan(HUGE);
                assertThat(delivered).isEmpty();
            }
        } finally {
            http.shutdownNow();
        }
    }

    @Test
    void a_frame_that_is_not_an_envelope_drops_the_connection() throws Exception {
        // A complete binary frame of 3 bytes that are not a MsgPack map.
        byte[] frame = {(byte) 0x82, 3, (byte) 0xc1, 0, 0};
        HttpClient http = HttpClient.newHttpClient();
        try (HostileWebSocketServer server = new HostileWebSocketServer(frame, 0)) {
            List<Envelope> delivered = new CopyOnWriteArrayList<>();
            CompletableFuture<Integer> closed = new CompletableFuture<>();
            try (EnvelopeSocket socket = EnvelopeSocket.connect(
                    http, server.uri(), "token", delivered::add, (code, reason) -> closed.complete(code))) {
                assertThat(closed.get(30, TimeUnit.SECONDS)).isEqualTo(EnvelopeSocket.PROTOCOL_ERROR);
                assertThat(server.written().get(30, TimeUnit.SECONDS)).isZero();
                assertThat(delivered).isEmpty();
            }
        } finally {
            http.shutdownNow();
        }
    }
}
