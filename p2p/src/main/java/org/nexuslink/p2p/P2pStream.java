// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.p2p;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.nexuslink.p2p.internal.yamux.YamuxStream;

/**
 * A negotiated stream to a peer: one protocol, carried by a yamux stream inside the peer's
 * Noise-secured connection. One reader and one writer at a time.
 */
public final class P2pStream {
    private final PeerConnection connection;
    private final String protocol;
    private final YamuxStream stream;

    P2pStream(PeerConnection connection, String protocol, YamuxStream stream) {
        this.connection = connection;
        this.protocol = protocol;
        this.stream = stream;
    }

    /** The connection carrying this stream. */
    public PeerConnection connection() {
        return connection;
    }

    /** The authenticated peer at the other end. */
    public PeerId remotePeer() {
        return connection.remotePeer();
    }

    public String protocol() {
        return protocol;
    }

    public InputStream input() {
        return stream.input();
    }

    public OutputStream output() {
        return stream.output();
    }

    /** We send no more (yamux FIN); the peer may still send. */
    public void closeWrite() throws IOException {
        stream.closeWrite();
    }

    /** Abandons the stream both ways (yamux RST). */
    public void reset() {
        stream.reset();
    }
}
