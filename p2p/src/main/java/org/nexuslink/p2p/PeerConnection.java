// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.p2p;

import java.io.IOException;
import java.net.Socket;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.nexuslink.p2p.internal.multistream.Multistream;
import org.nexuslink.p2p.internal.protocols.Identify;
import org.nexuslink.p2p.internal.protocols.Ping;
import org.nexuslink.p2p.internal.yamux.YamuxSession;
import org.nexuslink.p2p.internal.yamux.YamuxStream;

/**
 * An authenticated, multiplexed connection to one peer (TCP, Noise, yamux). Thread-safe: any
 * number of streams may be opened and used at once.
 */
public final class PeerConnection {
    private final P2pNode node;
    private final Socket socket;
    private final PeerId remotePeer;
    private final Multiaddr remoteAddress;
    private final boolean outbound;
    private final AtomicReference<YamuxSession> session = new AtomicReference<>();
    private final AtomicReference<IdentifyInfo> lastIdentify = new AtomicReference<>();
    private final SecureRandom random = new SecureRandom();

    PeerConnection(P2pNode node, Socket socket, PeerId remotePeer, Multiaddr remoteAddress, boolean outbound) {
        this.node = node;
        this.socket = socket;
        this.remotePeer = remotePeer;
        this.remoteAddress = remoteAddress;
        this.outbound = outbound;
    }

    void attach(YamuxSession yamux) {
        session.set(yamux);
    }

    void start() {
        session.get().start();
    }

    /** The peer, as authenticated by the Noise handshake. */
    public PeerId remotePeer() {
        return remotePeer;
    }

    /** The peer's address on this TCP connection. */
    public Multiaddr remoteAddress() {
        return remoteAddress;
    }

    /** True if we dialled this connection. */
    public boolean isOutbound() {
        return outbound;
    }

    public boolean isOpen() {
        YamuxSession s = session.get();
        return s != null && s.isOpen();
    }

    /**
     * Opens a stream and negotiates the first of {@code protocols} the peer accepts.
     *
     * @throws NegotiationException if the peer accepts none
     */
    public P2pStream openStream(List<String> protocols) throws IOException {
        YamuxStream stream = session.get().openStream();
        try {
            String chosen = Multistream.select(stream.input(), stream.output(), protocols);
            return new P2pStream(this, chosen, stream);
        } catch (IOException | MalformedDataException e) {
            stream.reset();
            throw e instanceof IOException io ? io : new NegotiationException("malformed multistream answer", e);
        }
    }

    /** One libp2p ping ({@code /ipfs/ping/1.0.0}); the round-trip time. */
    public Duration ping() throws IOException {
        P2pStream stream = openStream(List.of(Ping.PROTOCOL));
        try {
            Duration rtt = Ping.ping(stream.input(), stream.output(), random);
            stream.closeWrite();
            return rtt;
        } catch (IOException e) {
            stream.reset();
            throw e;
        }
    }

    /**
     * Asks the peer who it is ({@code /ipfs/id/1.0.0}).
     *
     * @throws NegotiationException if the key it reports is not the one it authenticated with
     */
    public IdentifyInfo identify() throws IOException {
        P2pStream stream = openStream(List.of(Identify.PROTOCOL));
        try {
            stream.closeWrite();
            IdentifyInfo info = Identify.read(stream.input());
            accept(info);
            return info;
        } catch (IOException | MalformedDataException e) {
            stream.reset();
            throw e instanceof IOException io ? io : new NegotiationException("malformed identify answer", e);
        }
    }

    /** Sends our current identify record ({@code /ipfs/id/push/1.0.0}). */
    public void pushIdentify() throws IOException {
        P2pStream stream = openStream(List.of(Identify.PUSH_PROTOCOL));
        Identify.write(stream.output(), node.identifyInfo(Optional.of(remoteAddress)));
        stream.closeWrite();
    }

    void accept(IdentifyInfo info) throws NegotiationException {
        if (!remotePeer.matches(info.publicKey())) {
            throw new NegotiationException("identify names another key than the one the peer authenticated with");
        }
        lastIdentify.set(info);
    }

    /** The last identify record the peer sent or pushed, if any. */
    public Optional<IdentifyInfo> lastIdentify() {
        return Optional.ofNullable(lastIdentify.get());
    }

    /** Closes the connection (yamux go-away, then the socket). */
    public void close() {
        YamuxSession s = session.get();
        if (s != null) {
            s.close();
        }
        closeSocket();
    }

    void closeSocket() {
        try {
            socket.close();
        } catch (IOException e) {
            // Closing a socket twice or after a reset: nothing left to release.
        }
    }

    @Override
    public String toString() {
        return "PeerConnection[" + remotePeer + " " + remoteAddress + (outbound ? " out" : " in") + "]";
    }
}
