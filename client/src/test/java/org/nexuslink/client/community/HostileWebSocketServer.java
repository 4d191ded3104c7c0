// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.community;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;

/**
 * A WebSocket server that accepts one connection (RFC 6455 handshake, nothing checked) and then
 * writes whatever bytes a test gives it, as a hostile community server could. It reports how many
 * of those bytes it wrote before the client dropped the connection.
 */
final class HostileWebSocketServer implements AutoCloseable {
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private final ServerSocket listener;
    private final CompletableFuture<Long> written = new CompletableFuture<>();

    /**
     * Starts listening; after the handshake, writes {@code header} and then {@code bodyBytes} zero
     * bytes in chunks, stopping early when the client drops the connection.
     */
    HostileWebSocketServer(byte[] header, long bodyBytes) throws IOException {
        listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> serve(header, bodyBytes));
    }

    URI uri() {
        return URI.create("ws://127.0.0.1:" + listener.getLocalPort() + "/ws");
    }

    /** Completes with the body bytes written when the client dropped the connection, or all of them. */
    CompletableFuture<Long> written() {
        return written;
    }

    private void serve(byte[] header, long bodyBytes) {
        long sent = 0;
        try (Socket socket = listener.accept()) {
            String key = handshakeKey(socket.getInputStream());
            String accept = Base64.getEncoder()
                    .encodeToString(MessageDigest.getInstance("SHA-1")
                            .digest((key + GUID).getBytes(StandardCharsets.US_ASCII)));
            OutputStream out = socket.getOutputStream();
            out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                            + "Sec-WebSocket-Accept: " + accept + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(header);
            byte[] chunk = new byte[16 * 1024];
            try {
                while (sent < bodyBytes) {
                    int n = (int) Math.min(chunk.length, bodyBytes - sent);
                    out.write(chunk, 0, n);
                    sent += n;
                }
                out.flush();
                // Everything went out: wait for the client to act (a refusing client drops us).
                socket.getInputStream().transferTo(OutputStream.nullOutputStream());
            } catch (IOException dropped) {
                // The client dropped the connection: what the test hopes for.
            }
            written.complete(sent);
        } catch (Exception e) {
            written.completeExceptionally(e);
        }
    }

    /** Reads the upgrade request's headers and returns its {@code Sec-WebSocket-Key}. */
    private static String handshakeKey(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the client closed during the handshake");
            }
            head.write(b);
        }
        for (String line : head.toString(StandardCharsets.US_ASCII).split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("Sec-WebSocket-Key")) {
                return line.substring(colon + 1).trim();
            }
        }
        throw new IOException("no Sec-WebSocket-Key in the upgrade request");
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
