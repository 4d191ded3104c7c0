// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.p2p.internal.yamux;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * A yamux session (hashicorp yamux spec, libp2p id {@code /yamux/1.0.0}) over a secured
 * connection: 12-byte headers (version 0, type, flags, stream id, length), streams opened with
 * SYN and accepted with ACK, half-closed with FIN, abandoned with RST, a 256 KiB initial
 * window per stream, pings and go-away on stream 0. The dialer opens odd stream ids, the
 * listener even ones.
 *
 * <p>One virtual thread reads frames; each accepted stream is handed to the acceptor on its
 * own virtual thread. A peer that breaks the protocol (overruns a window, reuses an id, sends
 * an unknown type or version) gets a go-away with the protocol-error code and the session
 * closes; a peer that opens more than {@code maxInboundStreams} at once gets RST for the
 * extras. Session state is guarded by {@link #lock}; frame writes by {@link #writeLock}.
 */
public final class YamuxSession implements Closeable {
    public static final String PROTOCOL = "/yamux/1.0.0";
    public static final int INITIAL_WINDOW = 256 * 1024;
    /** Largest data frame we send: well inside one Noise message with its header. */
    public static final int MAX_DATA_FRAME = 16 * 1024;

    static final int TYPE_DATA = 0;
    static final int TYPE_WINDOW_UPDATE = 1;
    static final int TYPE_PING = 2;
    static final int TYPE_GO_AWAY = 3;
    static final int FLAG_SYN = 1;
    static final int FLAG_ACK = 2;
    static final int FLAG_FIN = 4;
    static final int FLAG_RST = 8;
    static final int GO_AWAY_NORMAL = 0;
    static final int GO_AWAY_PROTOCOL_ERROR = 1;

    private final InputStream in;
    private final OutputStream out;
    private final boolean client;
    private final int maxInboundStreams;
    private final Consumer<YamuxStream> acceptor;
    private final Runnable onClose;
    private final ReentrantLock lock = new ReentrantLock();
    private final ReentrantLock writeLock = new ReentrantLock();
    private final Map<Integer, YamuxStream> streams = new HashMap<>();
    private final Map<Long, CompletableFuture<Long>> pings = new HashMap<>();
    private final SecureRandom random = new SecureRandom();
    private int nextId;
    private int inbound;
    private boolean closed;
    private boolean remoteGoAway;

    /**
     * @param client true on the dialer's side (odd stream ids)
     * @param acceptor runs each stream the peer opens, on its own virtual thread
     * @param onClose runs once when the session ends (closes the socket)
     */
    public YamuxSession(
            InputStream in,
            OutputStream out,
            boolean client,
            int maxInboundStreams,
            Consumer<YamuxStream> acceptor,
            Runnable onClose) {
        this.in = in;
        this.out = out;
        this.client = client;
        this.maxInboundStreams = maxInboundStreams;
        this.acceptor = acceptor;
        this.onClose = onClose;
        this.nextId = client ? 1 : 2;
    }

    /** Starts the frame reader. */
    public void start() {
        Thread.ofVirtual().name("yamux-reader").start(this::readLoop);
    }

    /** Opens a stream (sends SYN); data may follow before the peer's ACK. */
    public YamuxStream openStream() throws IOException {
        YamuxStream stream;
        lock.lock();
        try {
            if (closed || remoteGoAway) {
                throw new IOException("yamux session is closed");
            }
            if (nextId < 0) {
                throw new IOException("yamux stream ids exhausted");
            }
            stream = new YamuxStream(this, nextId);
            streams.put(nextId, stream);
            nextId += 2;
        } finally {
            lock.unlock();
        }
        sendFlags(TYPE_WINDOW_UPDATE, FLAG_SYN, stream.id(), 0);
        return stream;
    }

    /** Round-trip time of a yamux ping, waiting at most {@code timeout}. */
    public Duration ping(Duration timeout) throws IOException {
        long opaque = random.nextInt() & 0xFFFF_FFFFL;
        CompletableFuture<Long> answer = new CompletableFuture<>();
        lock.lock();
        try {
            if (closed) {
                throw new IOException("yamux session is closed");
            }
            pings.put(opaque, answer);
        } finally {
            lock.unlock();
        }
        long start = System.nanoTime();
        sendFlags(TYPE_PING, FLAG_SYN, 0, opaque);
        try {
            answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return Duration.ofNanos(System.nanoTime() - start);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted waiting for a yamux ping");
        } catch (ExecutionException e) {
            throw new IOException("yamux session closed before the ping answer", e);
        } catch (TimeoutException e) {
            throw new IOException("no yamux ping answer within " + timeout);
        } finally {
            lock.lock();
            try {
                pings.remove(opaque);
            } finally {
                lock.unlock();
            }
        }
    }

    public boolean isOpen() {
        lock.lock();
        try {
            return !closed;
        } finally {
            lock.unlock();
        }
    }

    /** Streams currently open, both directions. */
    public int streamCount() {
        lock.lock();
        try {
            return streams.size();
        } finally {
            lock.unlock();
        }
    }

    /** Sends a normal go-away and ends the session. */
    @Override
    public void close() {
        try {
            sendFlags(TYPE_GO_AWAY, 0, 0, GO_AWAY_NORMAL);
        } catch (IOException e) {
            // Already gone: nothing to tell the peer.
        }
        shutdown();
    }

    private void readLoop() {
        byte[] header = new byte[12];
        try {
            while (true) {
                int n = in.readNBytes(header, 0, 12);
                if (n == 0) {
                    return;
                }
                if (n < 12) {
                    throw new EOFException("connection ended inside a yamux header");
                }
                if (header[0] != 0) {
                    protocolError();
                    return;
                }
                int type = header[1] & 0xFF;
                int flags = ((header[2] & 0xFF) << 8) | (header[3] & 0xFF);
                int id = readInt(header, 4);
                long length = readInt(header, 8) & 0xFFFF_FFFFL;
                boolean ok = switch (type) {
                    case TYPE_DATA -> {
                        if (length > INITIAL_WINDOW) {
                            yield false;
                        }
                        byte[] data = in.readNBytes((int) length);
                        if (data.length != length) {
                            throw new EOFException("connection ended inside a yamux data frame");
                        }
                        yield onStreamFrame(type, flags, id, length, data);
                    }
                    case TYPE_WINDOW_UPDATE -> onStreamFrame(type, flags, id, length, null);
                    case TYPE_PING -> onPing(flags, id, length);
                    case TYPE_GO_AWAY -> {
                        lock.lock();
                        try {
                            remoteGoAway = true;
                        } finally {
                            lock.unlock();
                        }
                        yield id == 0;
                    }
                    default -> false;
                };
                if (!ok) {
                    protocolError();
                    return;
                }
            }
        } catch (IOException | RuntimeException e) {
            // The connection broke or sent garbage; either way the session is over.
        } finally {
            shutdown();
        }
    }

    private boolean onPing(int flags, int id, long opaque) throws IOException {
        if (id != 0) {
            return false;
        }
        if ((flags & FLAG_SYN) != 0) {
            sendFlags(TYPE_PING, FLAG_ACK, 0, opaque);
        } else if ((flags & FLAG_ACK) != 0) {
            CompletableFuture<Long> answer;
            lock.lock();
            try {
                answer = pings.get(opaque);
            } finally {
                lock.unlock();
            }
            if (answer != null) {
                answer.complete(opaque);
            }
        }
        return true;
    }

    private boolean onStreamFrame(int type, int flags, int id, long length, byte[] data) throws IOException {
        if (id == 0) {
            return false;
        }
        YamuxStream stream;
        boolean accepted = false;
        boolean refused = false;
        lock.lock();
        try {
            stream = streams.get(id);
            if ((flags & FLAG_SYN) != 0) {
                boolean peerParity = ((id & 1) == 1) != client;
                if (stream != null || !peerParity) {
                    return false;
                }
                if (inbound >= maxInboundStreams || remoteGoAway || closed) {
                    refused = true;
                } else {
                    stream = new YamuxStream(this, id);
                    streams.put(id, stream);
                    inbound++;
                    accepted = true;
                }
            }
        } finally {
            lock.unlock();
        }
        if (refused) {
            sendFlags(TYPE_WINDOW_UPDATE, FLAG_RST, id, 0);
            return true;
        }
        if (stream == null) {
            // A late frame for a stream we already forgot (reset or fully closed).
            return true;
        }
        if (accepted) {
            sendFlags(TYPE_WINDOW_UPDATE, FLAG_ACK, id, 0);
        }
        if (type == TYPE_DATA) {
            if (!stream.receive(data)) {
                return false;
            }
        } else if (!stream.addSendWindow(length)) {
            return false;
        }
        if ((flags & FLAG_FIN) != 0) {
            stream.remoteFin();
            releaseIfDone(stream);
        }
        if ((flags & FLAG_RST) != 0) {
            stream.remoteReset();
            release(stream);
        }
        if (accepted) {
            YamuxStream s = stream;
            Thread.ofVirtual().name("yamux-stream-" + id).start(() -> acceptor.accept(s));
        }
        return true;
    }

    private void protocolError() {
        try {
            sendFlags(TYPE_GO_AWAY, 0, 0, GO_AWAY_PROTOCOL_ERROR);
        } catch (IOException e) {
            // Closing anyway.
        }
    }

    private void shutdown() {
        List<YamuxStream> open;
        List<CompletableFuture<Long>> waiting;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            open = new ArrayList<>(streams.values());
            streams.clear();
            waiting = new ArrayList<>(pings.values());
        } finally {
            lock.unlock();
        }
        open.forEach(YamuxStream::sessionClosed);
        waiting.forEach(f -> f.completeExceptionally(new IOException("yamux session closed")));
        onClose.run();
    }

    void releaseIfDone(YamuxStream stream) {
        if (stream.isDone()) {
            release(stream);
        }
    }

    void release(YamuxStream stream) {
        lock.lock();
        try {
            if (streams.remove(stream.id(), stream) && ((stream.id() & 1) == 1) != client) {
                inbound--;
            }
        } finally {
            lock.unlock();
        }
    }

    void sendFlags(int type, int flags, int id, long length) throws IOException {
        write(header(type, flags, id, length), null, 0, 0);
    }

    void sendData(int id, byte[] data, int off, int len) throws IOException {
        write(header(TYPE_DATA, 0, id, len), data, off, len);
    }

    private void write(byte[] header, byte[] data, int off, int len) throws IOException {
        byte[] frame = new byte[header.length + len];
        System.arraycopy(header, 0, frame, 0, header.length);
        if (data != null) {
            System.arraycopy(data, off, frame, header.length, len);
        }
        writeLock.lock();
        try {
            out.write(frame);
            out.flush();
        } finally {
            writeLock.unlock();
        }
    }

    static byte[] header(int type, int flags, int id, long length) {
        byte[] h = new byte[12];
        h[1] = (byte) type;
        h[2] = (byte) (flags >> 8);
        h[3] = (byte) flags;
        writeInt(h, 4, id);
        writeInt(h, 8, (int) length);
        return h;
    }

    private static int readInt(byte[] b, int off) {
        return ((b[off] & 0xFF) << 24) | ((b[off + 1] & 0xFF) << 16) | ((b[off + 2] & 0xFF) << 8) | (b[off + 3] & 0xFF);
    }

    private static void writeInt(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }
}
