// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.p2p;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nexuslink.p2p.internal.yamux.YamuxSession;
import org.nexuslink.p2p.internal.yamux.YamuxStream;

/** A yamux session (listener side) driven frame by frame by a raw socket playing the peer. */
@Timeout(30)
class YamuxSessionTest {

    private static final String GO_AWAY_PROTOCOL_ERROR = "00 03 0000 00000000 00000001";
    private Socket peer;
    private Socket local;
    private InputStream peerIn;
    private OutputStream peerOut;
    private YamuxSession session;
    private final BlockingQueue<YamuxStream> accepted = new LinkedBlockingQueue<>();
    private final CountDownLatch closed = new CountDownLatch(1);

    @BeforeEach
    void connect() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            peer = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
            local = server.accept();
        }
        peerIn = peer.getInputStream();
        peerOut = peer.getOutputStream();
        peer.setSoTimeout(10_000);
        session = new YamuxSession(local.getInputStream(), local.getOutputStream(), false, 2, accepted::add, () -> {
            closed.countDown();
            try {
                local.close();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        session.start();
    }

    @AfterEach
    void close() throws IOException {
        session.close();
        peer.close();
    }

    private void send(String hex) throws IOException {
        peerOut.write(Hex.bytes(hex));
        peerOut.flush();
    }

    private String receiveHeader() throws IOException {
        return Hex.of(peerIn.readNBytes(12));
    }

    private void assertGoAwayAndClose(String expected) throws Exception {
        assertThat(receiveHeader()).isEqualTo(expected.replace(" ", ""));
        assertThat(closed.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(session.isOpen()).isFalse();
        assertThat(session.streamCount()).isZero();
        assertThat(peerIn.read()).isEqualTo(-1);
    }

    @Test
    void accepts_a_stream_with_ack_and_echoes_data_with_golden_frames() throws Exception {
        send("00 01 0001 00000001 00000000");
        assertThat(receiveHeader()).isEqualTo("000100020000000100000000");
        YamuxStream stream = accepted.poll(10, TimeUnit.SECONDS);
        assertThat(stream.id()).isEqualTo(1);
        send("00 00 0000 00000001 00000003 616263");
        assertThat(stream.input().readNBytes(3)).isEqualTo("abc".getBytes());
        stream.output().write("xy".getBytes());
        assertThat(Hex.of(peerIn.readNBytes(14))).isEqualTo("0000000000000001000000027879");
        send("00 01 0004 00000001 00000000");
        assertThat(stream.input().read()).isEqualTo(-1);
        stream.closeWrite();
        assertThat(receiveHeader()).isEqualTo("000100040000000100000000");
        assertThat(session.streamCount()).isZero();
    }

    @Test
    void answers_a_ping_with_the_same_opaque_value() throws Exception {
        send("00 02 0001 00000000 0000abcd");
        assertThat(receiveHeader()).isEqualTo("00020002000000000000abcd");
    }

    @Test
    void a_peer_that_sends_beyond_its_window_is_cut_off() throws Exception {
        send("00 01 0001 00000001 00000000");
        assertThat(receiveHeader()).isEqualTo("000100020000000100000000");
        YamuxStream stream = accepted.poll(10, TimeUnit.SECONDS);
        byte[] chunk = new byte[128 * 1024];
        for (int i = 0; i < 2; i++) {
            send("00 00 0000 00000001 00020000");
            peerOut.write(chunk);
        }
        // The window (256 KiB) is now used up and nothing was read: one more byte is an overrun.
        send("00 00 0000 00000001 00000001 ff");
        assertGoAwayAndClose(GO_AWAY_PROTOCOL_ERROR);
        assertThat(stream.input().available()).isZero();
    }

    @Test
    void a_peer_cannot_open_more_streams_than_the_limit() throws Exception {
        send("00 01 0001 00000001 00000000");
        send("00 01 0001 00000003 00000000");
        assertThat(receiveHeader()).isEqualTo("000100020000000100000000");
        assertThat(receiveHeader()).isEqualTo("000100020000000300000000");
        send("00 01 0001 00000005 00000000");
        assertThat(receiveHeader()).isEqualTo("000100080000000500000000");
        assertThat(session.streamCount()).isEqualTo(2);
        assertThat(accepted).hasSize(2);
        // Closing one frees its slot.
        YamuxStream first = accepted.poll();
        first.reset();
        assertThat(receiveHeader()).isEqualTo("000100080000000100000000");
        send("00 01 0001 00000007 00000000");
        assertThat(receiveHeader()).isEqualTo("000100020000000700000000");
    }

    @Test
    void a_stream_id_of_the_wrong_parity_is_a_protocol_error() throws Exception {
        send("00 01 0001 00000002 00000000");
        assertGoAwayAndClose(GO_AWAY_PROTOCOL_ERROR);
        assertThat(accepted).isEmpty();
    }

    @Test
    void reopening_a_live_stream_id_is_a_protocol_error() throws Exception {
        send("00 01 0001 00000001 00000000");
        assertThat(receiveHeader()).isEqualTo("000100020000000100000000");
        send("00 01 0001 00000001 00000000");
        assertGoAwayAndClose(GO_AWAY_PROTOCOL_ERROR);
    }

    @Test
    void an_unknown_version_or_type_is_a_protocol_error() throws Exception {
        send("01 00 0000 00000001 00000000");
        assertGoAwayAndClose(GO_AWAY_PROTOCOL_ERROR);
    }

    @Test
    void an_unknown_frame_type_is_a_protocol_error() throws Exception {
        send("00 07 0000 00000000 00000000");
        assertGoAwayAndClose(GO_AWAY_PROTOCOL_ERROR);
    }

    @Test
    void random_frames_end_the_session_or_are_handled_never_crash_it() throws Exception {
        Random random = new Random(0x79616d75L);
        for (int round = 0; round < 200; round++) {
            byte[] header = new byte[12];
            random.nextBytes(header);
            header[0] = 0;
            header[1] = (byte) random.nextInt(5);
            header[8] = 0;
            header[9] = 0;
            header[10] = 0;
            int length = header[1] == 0 ? random.nextInt(64) : 0;
            header[11] = (byte) length;
            try {
                peerOut.write(header);
                peerOut.write(new byte[length]);
            } catch (IOException sessionGone) {
                break;
            }
            if (!session.isOpen()) {
                break;
            }
        }
        // Whatever happened, the session either still answers a ping or has shut itself down.
        if (session.isOpen()) {
            try {
                send("00 02 0001 00000000 00000042");
            } catch (IOException sessionGone) {
                assertThat(closed.await(10, TimeUnit.SECONDS)).isTrue();
            }
        }
        accepted.forEach(YamuxStream::reset);
    }
}
