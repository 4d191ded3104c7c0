// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.bench.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A deliberately small WebSocket client for the load generator: a few NIO selector threads carry
 * thousands of connections, frames go out with one {@code write} each, and nothing is buffered
 * per connection unless a read or write stops half-way. The JDK's {@code java.net.http} WebSocket
 * costs far more per connection and per message, and the load generator shares the server's cores.
 *
 * <p>Shortcuts a load generator may take and a real client must not: the handshake's
 * {@code Sec-WebSocket-Accept} is not checked, and client frames use the all-zero masking key
 * (valid on the wire, so the server still unmasks; it just does not hide anything from proxies).
 * Plain {@code ws://} only. Thread-safe: {@link Connection#send} may be called from any thread.
 */
public final class WsClient implements AutoCloseable {
    /** The largest server frame the client accepts; bench payloads are far smaller. */
    static final int MAX_FRAME = 1 << 20;

    /** What a connection tells its owner; called on the connection's selector thread. */
    public interface Listener {
        /** A complete binary frame; {@code payload} is valid only during the call. */
        void onBinary(Connection connection, ByteBuffer payload);

        /** The connection closed (by either side, or failed). */
        default void onClosed(Connection connection, String reason) {}
    }

    private final Loop[] loops;
    private final AtomicInteger next = new AtomicInteger();

    /** @param threads selector threads (1 or 2 is plenty on a small machine) */
    public WsClient(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1");
        }
        loops = new Loop[threads];
        for (int i = 0; i < threads; i++) {
            loops[i] = new Loop(i);
        }
    }

    /**
     * Opens a WebSocket with a bearer token.
     *
     * @param uri {@code ws://host:port/path}
     * @param source local address to bind (e.g. 127.0.0.2 to get another port range), or empty
     * @return completes once the server answered 101, or fails with the reason
     */
    public CompletableFuture<Connection> connect(
            URI uri, String token, Optional<InetAddress> source, Listener listener) {
        if (!"ws".equals(uri.getScheme())) {
            throw new IllegalArgumentException("the bench WebSocket client speaks ws:// only, not " + uri.getScheme());
        }
        Loop loop = loops[Math.floorMod(next.getAndIncrement(), loops.length)];
        Connection connection = new Connection(loop, listener, handshake(uri, token));
        try {
            SocketChannel channel = SocketChannel.open();
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            if (source.isPresent()) {
                channel.bind(new InetSocketAddress(source.get(), 0));
            }
            connection.channel = channel;
            int port = uri.getPort() > 0 ? uri.getPort() : 80;
            boolean connected = channel.connect(new InetSocketAddress(uri.getHost(), port));
            loop.register(connection, connected);
        } catch (IOException e) {
            connection.opened.completeExceptionally(e);
        }
        return connection.opened;
    }

    private static ByteBuffer handshake(URI uri, String token) {
        byte[] key = new byte[16];
        ThreadLocalRandom.current().nextBytes(key);
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String request = "GET " + path + " HTTP/1.1\r\n"
                + "Host: " + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "") + "\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n"
                + "Authorization: Bearer " + token + "\r\n\r\n";
        return ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * A client frame (binary, final, zero masking key) around a payload: what {@link Connection#send}
     * takes. Build it once and {@code duplicate()} it to send the same bytes again.
     */
    public static ByteBuffer frame(byte[] payload) {
        int length = payload.length;
        int header = length < 126 ? 2 : length < 65536 ? 4 : 10;
        ByteBuffer frame = ByteBuffer.allocate(header + 4 + length);
        frame.put((byte) 0x82);
        if (length < 126) {
            frame.put((byte) (0x80 | length));
        } else if (length < 65536) {
            frame.put((byte) (0x80 | 126)).putShort((short) length);
        } else {
            frame.put((byte) (0x80 | 127)).putLong(length);
        }
        frame.putInt(0); // masking key 0: the payload goes out as it is
        frame.put(payload);
        return frame.flip();
    }

    /** An empty WebSocket ping (masked with the zero key): keeps an idle connection under the server's idle timeout. */
    public static ByteBuffer ping() {
        return ByteBuffer.wrap(new byte[] {(byte) 0x89, (byte) 0x80, 0, 0, 0, 0});
    }

    /** Where the payload starts inside a frame built by {@link #frame}. */
    public static int payloadOffset(int length) {
        return (length < 126 ? 2 : length < 65536 ? 4 : 10) + 4;
    }

    @Override
    public void close() {
        for (Loop loop : loops) {
            loop.shutdown();
        }
    }

    /** One connection. */
    public static final class Connection {
        private final Loop loop;
        private final Listener listener;
        private final CompletableFuture<Connection> opened = new CompletableFuture<>();
        private final ArrayDeque<ByteBuffer> unwritten = new ArrayDeque<>(0);
        private SocketChannel channel;
        private SelectionKey key;
        private ByteBuffer handshake;
        /** Bytes of a frame (or of the handshake response) that arrived only in part. */
        private ByteBuffer leftover;

        private boolean upgraded;
        private volatile boolean closed;
        /** Free for the owner: e.g. which simulated device this is. */
        public Object attachment;

        private Connection(Loop loop, Listener listener, ByteBuffer handshake) {
            this.loop = loop;
            this.listener = Objects.requireNonNull(listener, "listener");
            this.handshake = handshake;
        }

        /**
         * Sends a frame built by {@link #frame} (its position to limit). Writes at once when
         * nothing is waiting; otherwise queues it, so frames keep their order.
         *
         * @return false if the connection is closed
         */
        public boolean send(ByteBuffer frame) {
            if (closed) {
                return false;
            }
            synchronized (this) {
                try {
                    if (unwritten.isEmpty()) {
                        channel.write(frame);
                        if (!frame.hasRemaining()) {
                            return true;
                        }
                    }
                    ByteBuffer copy =
                            ByteBuffer.allocate(frame.remaining()).put(frame).flip();
                    boolean first = unwritten.isEmpty();
                    unwritten.add(copy);
                    if (first) {
                        loop.wantWrite(this);
                    }
                    return true;
                } catch (IOException e) {
                    loop.execute(() -> fail(e.toString()));
                    return false;
                }
            }
        }

        public boolean isOpen() {
            return !closed;
        }

        /** Drops the connection (no close handshake). */
        public void close() {
            loop.execute(() -> fail("closed by the client"));
        }

        private synchronized void flushUnwritten() throws IOException {
            while (!unwritten.isEmpty()) {
                ByteBuffer head = unwritten.peek();
                channel.write(head);
                if (head.hasRemaining()) {
                    return;
                }
                unwritten.poll();
            }
            key.interestOps(SelectionKey.OP_READ);
        }

        private void fail(String reason) {
            if (closed) {
                return;
            }
            closed = true;
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            if (!opened.isDone()) {
                opened.completeExceptionally(new IOException("WebSocket failed: " + reason));
            } else {
                listener.onClosed(this, reason);
            }
        }

        /** Parses what arrived in {@code in} (flipped); keeps an incomplete tail in {@link #leftover}. */
        private void parse(ByteBuffer in) throws IOException {
            if (!upgraded) {
                int end = headerEnd(in);
                if (end < 0) {
                    keep(in);
                    return;
                }
                String status = StandardCharsets.US_ASCII
                        .decode(in.slice(in.position(), Math.min(end, 12 + in.position()) - in.position()))
                        .toString();
                String head = StandardCharsets.US_ASCII
                        .decode(in.slice(in.position(), end - in.position()))
                        .toString();
                if (!status.startsWith("HTTP/1.1 101")) {
                    throw new IOException("upgrade refused: "
                            + head.lines().findFirst().orElse("") + " " + head.substring(head.indexOf("\r\n\r\n") + 4));
                }
                in.position(end);
                upgraded = true;
                opened.complete(this);
            }
            while (in.remaining() >= 2) {
                int start = in.position();
                int b0 = in.get(start) & 0xff;
                int b1 = in.get(start + 1) & 0x7f;
                int header = 2;
                long length = b1;
                if (b1 == 126) {
                    if (in.remaining() < 4) {
                        break;
                    }
                    length = in.getShort(start + 2) & 0xffff;
                    header = 4;
                } else if (b1 == 127) {
                    if (in.remaining() < 10) {
                        break;
                    }
                    length = in.getLong(start + 2);
                    header = 10;
                }
                if (length > MAX_FRAME) {
                    throw new IOException("server frame of " + length + " bytes is over the client's limit");
                }
                if (in.remaining() < header + length) {
                    break;
                }
                ByteBuffer payload = in.slice(start + header, (int) length);
                in.position(start + header + (int) length);
                switch (b0 & 0x0f) {
                    case 0x2 -> listener.onBinary(this, payload);
                    case 0x8 -> {
                        fail("server closed: " + closeReason(payload));
                        return;
                    }
                    case 0x9 -> {
                        byte[] body = new byte[payload.remaining()];
                        payload.get(body);
                        ByteBuffer pong = frame(body);
                        pong.put(0, (byte) 0x8A);
                        send(pong);
                    }
                    default -> {} // pong, text, continuation: the server sends none of these to the bench
                }
            }
            keep(in);
        }

        private static String closeReason(ByteBuffer payload) {
            if (payload.remaining() < 2) {
                return "no code";
            }
            int code = payload.getShort() & 0xffff;
            return code + " " + StandardCharsets.UTF_8.decode(payload);
        }

        private void keep(ByteBuffer in) {
            if (in.hasRemaining()) {
                leftover = ByteBuffer.allocate(Math.max(in.remaining(), 64))
                        .put(in)
                        .flip();
            }
        }

        private static int headerEnd(ByteBuffer in) {
            for (int i = in.position(); i + 3 < in.limit(); i++) {
                if (in.get(i) == '\r' && in.get(i + 1) == '\n' && in.get(i + 2) == '\r' && in.get(i + 3) == '\n') {
                    return i + 4;
                }
            }
            return -1;
        }
    }

    /** One selector thread and the connections it carries. */
    private static final class Loop implements Runnable {
        private final Selector selector;
        private final Thread thread;
        private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
        /** Shared by every connection of this loop: reads land here first. */
        private final ByteBuffer in = ByteBuffer.allocateDirect(MAX_FRAME + 64 * 1024);

        private volatile boolean running = true;

        Loop(int index) {
            try {
                selector = Selector.open();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            thread = Thread.ofPlatform().name("bench-ws-" + index).daemon().start(this);
        }

        void register(Connection connection, boolean connected) {
            execute(() -> {
                try {
                    connection.key = connection.channel.register(
                            selector, connected ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT, connection);
                    if (connected) {
                        connection.channel.write(connection.handshake);
                        connection.handshake = null;
                    }
                } catch (IOException e) {
                    connection.fail(e.toString());
                }
            });
        }

        void wantWrite(Connection connection) {
            execute(() -> {
                if (connection.key != null && connection.key.isValid()) {
                    connection.key.interestOps(connection.key.interestOps() | SelectionKey.OP_WRITE);
                }
            });
        }

        void execute(Runnable task) {
            tasks.add(task);
            if (Thread.currentThread() != thread) {
                selector.wakeup();
            }
        }

        void shutdown() {
            running = false;
            selector.wakeup();
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void run() {
            try {
                while (running) {
                    Runnable task;
                    while ((task = tasks.poll()) != null) {
                        task.run();
                    }
                    selector.select(100);
                    for (SelectionKey key : selector.selectedKeys()) {
                        Connection c = (Connection) key.attachment();
                        try {
                            if (!key.isValid()) {
                                continue;
                            }
                            if (key.isConnectable()) {
                                c.channel.finishConnect();
                                c.channel.write(c.handshake);
                                c.handshake = null;
                                key.interestOps(SelectionKey.OP_READ);
                                continue;
                            }
                            if (key.isWritable()) {
                                c.flushUnwritten();
                            }
                            if (key.isReadable()) {
                                read(c);
                            }
                        } catch (IOException | RuntimeException e) {
                            c.fail(e.toString());
                        }
                    }
                    selector.selectedKeys().clear();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                for (SelectionKey key : selector.keys()) {
                    ((Connection) key.attachment()).fail("client shut down");
                }
                try {
                    selector.close();
                } catch (IOException ignored) {
                    // shutting down
                }
            }
        }

        private void read(Connection c) throws IOException {
            while (true) {
                in.clear();
                if (c.leftover != null) {
                    in.put(c.leftover);
                    c.leftover = null;
                }
                int n = c.channel.read(in);
                if (n < 0) {
                    in.flip();
                    c.fail("server closed the connection");
                    return;
                }
                in.flip();
                if (n == 0) {
                    c.keep(in);
                    return;
                }
                c.parse(in);
                if (c.closed || n < in.capacity() / 2) {
                    return;
                }
            }
        }
    }
}
