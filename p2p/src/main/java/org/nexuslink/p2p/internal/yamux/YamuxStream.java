// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.p2p.internal.yamux;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One yamux stream: a reliable, ordered, flow-controlled byte stream inside a session.
 *
 * <p>Flow control: the peer may send at most {@code receiveWindow} bytes we have not yet
 * consumed; once the application has read half the initial window, a window update gives that
 * credit back. Writes block while the peer's window for us is exhausted. All state is guarded
 * by {@link #lock}; frames are sent outside it.
 */
public final class YamuxStream {
    private final YamuxSession session;
    private final int id;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<byte[]> received = new ArrayDeque<>();
    private int readOffset;
    private long receiveWindow = YamuxSession.INITIAL_WINDOW;
    private long consumedSinceUpdate;
    private long sendWindow = YamuxSession.INITIAL_WINDOW;
    private boolean remoteClosed;
    private boolean localClosed;
    private boolean reset;
    private final InputStream in = new StreamInput();
    private final OutputStream out = new StreamOutput();

    YamuxStream(YamuxSession session, int id) {
        this.session = session;
        this.id = id;
    }

    public int id() {
        return id;
    }

    /** What the peer sent; -1 after its FIN, an IOException after a reset. One reader at a time. */
    public InputStream input() {
        return in;
    }

    /** What we send; {@code close()} half-closes (FIN). One writer at a time. */
    public OutputStream output() {
        return out;
    }

    /** Half-closes: we send no more; the peer may still send. */
    public void closeWrite() throws IOException {
        lock.lock();
        try {
            if (localClosed || reset) {
                return;
            }
            localClosed = true;
        } finally {
            lock.unlock();
        }
        session.sendFlags(YamuxSession.TYPE_WINDOW_UPDATE, YamuxSession.FLAG_FIN, id, 0);
        session.releaseIfDone(this);
    }

    /** Abandons the stream in both directions (RST). */
    public void reset() {
        lock.lock();
        try {
            if (reset) {
                return;
            }
            reset = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            session.sendFlags(YamuxSession.TYPE_WINDOW_UPDATE, YamuxSession.FLAG_RST, id, 0);
        } catch (IOException e) {
            // The session is gone; the peer forgets the stream with it.
        }
        session.release(this);
    }

    /** Data from the peer. Returns false if it overran the window we gave (a protocol error). */
    boolean receive(byte[] data) {
        lock.lock();
        try {
            if (data.length > receiveWindow) {
                return false;
            }
            receiveWindow -= data.length;
            if (reset || remoteClosed) {
                return true;
            }
            if (data.length > 0) {
                received.addLast(data);
                changed.signalAll();
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Returns false if the credit would overflow a 32-bit window (a protocol error). */
    boolean addSendWindow(long delta) {
        lock.lock();
        try {
            sendWindow += delta;
            changed.signalAll();
            return sendWindow <= 0xFFFF_FFFFL;
        } finally {
            lock.unlock();
        }
    }

    void remoteFin() {
        lock.lock();
        try {
            remoteClosed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    void remoteReset() {
        lock.lock();
        try {
            reset = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    boolean isDone() {
        lock.lock();
        try {
            return reset || (localClosed && remoteClosed);
        } finally {
            lock.unlock();
        }
    }

    private final class StreamInput extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            long credit = 0;
            int n;
            lock.lock();
            try {
                while (received.isEmpty()) {
                    if (reset) {
                        throw new IOException("yamux stream " + id + " was reset");
                    }
                    if (remoteClosed) {
                        return -1;
                    }
                    changed.await();
                }
                byte[] head = received.peekFirst();
                n = Math.min(len, head.length - readOffset);
                System.arraycopy(head, readOffset, b, off, n);
                readOffset += n;
                if (readOffset == head.length) {
                    received.removeFirst();
                    readOffset = 0;
                }
                consumedSinceUpdate += n;
                if (consumedSinceUpdate >= YamuxSession.INITIAL_WINDOW / 2 && !remoteClosed) {
                    credit = consumedSinceUpdate;
                    receiveWindow += credit;
                    consumedSinceUpdate = 0;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted reading yamux stream " + id);
            } finally {
                lock.unlock();
            }
            if (credit > 0) {
                session.sendFlags(YamuxSession.TYPE_WINDOW_UPDATE, 0, id, credit);
            }
            return n;
        }
    }

    private final class StreamOutput extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            int done = 0;
            while (done < len) {
                int n;
                lock.lock();
                try {
                    while (sendWindow == 0 && !reset && !localClosed) {
                        changed.await();
                    }
                    if (reset) {
                        throw new IOException("yamux stream " + id + " was reset");
                    }
                    if (localClosed) {
                        throw new IOException("yamux stream " + id + " is closed for writing");
                    }
                    n = (int) Math.min(Math.min(sendWindow, len - done), YamuxSession.MAX_DATA_FRAME);
                    sendWindow -= n;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted writing yamux stream " + id);
                } finally {
                    lock.unlock();
                }
                session.sendData(id, b, off + done, n);
                done += n;
            }
        }

        @Override
        public void close() throws IOException {
            closeWrite();
        }
    }

    /** Wakes blocked readers and writers when the session dies. */
    void sessionClosed() {
        remoteReset();
    }
}
