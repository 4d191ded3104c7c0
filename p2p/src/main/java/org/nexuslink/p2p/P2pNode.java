// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.p2p;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.nexuslink.p2p.internal.multistream.Multistream;
import org.nexuslink.p2p.internal.noise.DhKeyPair;
import org.nexuslink.p2p.internal.noise.SecureChannel;
import org.nexuslink.p2p.internal.protocols.Identify;
import org.nexuslink.p2p.internal.protocols.Ping;
import org.nexuslink.p2p.internal.yamux.YamuxSession;
import org.nexuslink.p2p.internal.yamux.YamuxStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A libp2p node over TCP: listens and dials, secures every connection with Noise (XX, libp2p
 * handshake payload), multiplexes it with yamux, and serves ping, identify and identify push
 * plus any protocol registered with {@link #handle}.
 *
 * <p>Every connection is authenticated: its {@link PeerConnection#remotePeer()} is the PeerId
 * whose key signed the Noise static key, and a dial to {@code .../p2p/<id>} fails unless that
 * peer answers. Thread-safe; each connection has a virtual thread reading it, and each stream
 * a virtual thread serving it. The node owns its sockets and closes them in {@link #close()}.
 */
public final class P2pNode implements Closeable {
    private static final Logger log = LoggerFactory.getLogger(P2pNode.class);

    private final NodeOptions options;
    private final SecureRandom random = new SecureRandom();
    private final DhKeyPair noiseStatic;
    private final List<ServerSocket> servers = new CopyOnWriteArrayList<>();
    private final List<Multiaddr> listenAddresses = new CopyOnWriteArrayList<>();
    private final Set<PeerConnection> connections = ConcurrentHashMap.newKeySet();
    private final Map<String, StreamHandler> handlers = Collections.synchronizedMap(new LinkedHashMap<>());
    private final List<ConnectionListener> listeners = new CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicInteger handshaking =
            new java.util.concurrent.atomic.AtomicInteger();
    private volatile boolean closed;

    private P2pNode(NodeOptions options) {
        this.options = options;
        this.noiseStatic = DhKeyPair.generate(random);
        handlers.put(Ping.PROTOCOL, stream -> Ping.serve(stream.input(), stream.output()));
        handlers.put(Identify.PROTOCOL, this::serveIdentify);
        handlers.put(Identify.PUSH_PROTOCOL, this::receiveIdentifyPush);
    }

    /**
     * Starts a node listening on {@code options.listen()}.
     *
     * @throws IOException if an address cannot be bound
     * @throws MalformedDataException if a listen address is not {@code /ip4|ip6/.../tcp/...}
     */
    public static P2pNode start(NodeOptions options) throws IOException {
        P2pNode node = new P2pNode(Objects.requireNonNull(options));
        try {
            for (Multiaddr addr : options.listen()) {
                node.listen(addr);
            }
        } catch (IOException | RuntimeException e) {
            node.close();
            throw e;
        }
        return node;
    }

    private void listen(Multiaddr addr) throws IOException {
        InetSocketAddress bind = addr.tcpSocketAddress();
        if (bind.isUnresolved() || addr.components().size() != 2) {
            throw new MalformedDataException("can only listen on /ip4|ip6/<address>/tcp/<port>: " + addr);
        }
        ServerSocket server = new ServerSocket();
        server.bind(bind);
        servers.add(server);
        InetSocketAddress bound = (InetSocketAddress) server.getLocalSocketAddress();
        listenAddresses.addAll(expand(bound));
        Thread.ofVirtual().name("p2p-accept").start(() -> acceptLoop(server));
    }

    /** A wildcard address stands for every address of its family on this host's interfaces. */
    private static List<Multiaddr> expand(InetSocketAddress bound) throws IOException {
        InetAddress ip = bound.getAddress();
        if (!ip.isAnyLocalAddress()) {
            return List.of(Multiaddr.tcp(bound));
        }
        List<Multiaddr> out = new ArrayList<>();
        for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nif.isUp()) {
                continue;
            }
            for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                boolean sameFamily = ip instanceof Inet4Address ? a instanceof Inet4Address : a instanceof Inet6Address;
                // Link-local IPv6 addresses need a zone a multiaddr cannot carry; the others are
                // listed without the interface scope the JDK attaches to every enumerated address.
                if (sameFamily && !(a instanceof Inet6Address && a.isLinkLocalAddress())) {
                    InetAddress unscoped = InetAddress.getByAddress(a.getAddress());
                    out.add(Multiaddr.tcp(new InetSocketAddress(unscoped, bound.getPort())));
                }
            }
        }
        return out;
    }

    private void acceptLoop(ServerSocket server) {
        while (!closed) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    log.atWarn().addKeyValue("error", e.toString()).log("p2p listener stopped");
                }
                return;
            }
            Thread.ofVirtual().name("p2p-inbound").start(() -> {
                try {
                    upgrade(socket, false, Optional.empty());
                } catch (IOException | MalformedDataException e) {
                    log.atDebug()
                            .addKeyValue("remote", socket.getRemoteSocketAddress())
                            .addKeyValue("error", e.toString())
                            .log("inbound connection refused");
                    closeQuietly(socket);
                }
            });
        }
    }

    /**
     * Dials a TCP multiaddr; if it ends in {@code /p2p/<id>}, the peer must prove it is that id.
     *
     * @throws NegotiationException if the peer fails authentication or negotiation
     * @throws IOException if the connection fails
     */
    public PeerConnection dial(Multiaddr address) throws IOException {
        Optional<PeerId> expected = address.peerId();
        InetSocketAddress target = address.tcpSocketAddress();
        if (target.isUnresolved()) {
            target = new InetSocketAddress(target.getHostString(), target.getPort());
        }
        Socket socket = new Socket();
        try {
            socket.connect(target, (int) options.handshakeTimeout().toMillis());
            return upgrade(socket, true, expected);
        } catch (IOException | MalformedDataException e) {
            closeQuietly(socket);
            throw e instanceof IOException io ? io : new NegotiationException("peer sent malformed data", e);
        }
    }

    private PeerConnection upgrade(Socket socket, boolean dialer, Optional<PeerId> expected) throws IOException {
        // Unfinished handshakes count against the limit too, so idle sockets cannot starve real peers.
        int pending = handshaking.incrementAndGet();
        PeerConnection connection;
        try {
            if (connections.size() + pending > options.maxConnections()) {
                throw new NegotiationException("connection limit of " + options.maxConnections() + " reached");
            }
            connection = handshake(socket, dialer, expected);
        } finally {
            handshaking.decrementAndGet();
        }
        if (closed) {
            connection.close();
            throw new NegotiationException("node is closed");
        }
        connection.start();
        listeners.forEach(l -> notify(() -> l.connected(connection)));
        log.atDebug()
                .addKeyValue("peer", connection.remotePeer())
                .addKeyValue("outbound", dialer)
                .log("peer connected");
        return connection;
    }

    private PeerConnection handshake(Socket socket, boolean dialer, Optional<PeerId> expected) throws IOException {
        socket.setTcpNoDelay(true);
        socket.setSoTimeout((int) options.handshakeTimeout().toMillis());
        InputStream rawIn = new BufferedInputStream(socket.getInputStream());
        OutputStream rawOut = new BufferedOutputStream(socket.getOutputStream());
        SecureChannel channel;
        DhKeyPair ephemeral = DhKeyPair.generate(random);
        if (dialer) {
            Multistream.select(rawIn, rawOut, List.of(SecureChannel.PROTOCOL));
            channel = SecureChannel.initiate(rawIn, rawOut, options.identity(), noiseStatic, ephemeral, expected);
            Multistream.select(channel.input(), channel.output(), List.of(YamuxSession.PROTOCOL));
        } else {
            if (Multistream.handle(rawIn, rawOut, SecureChannel.PROTOCOL::equals)
                    .isEmpty()) {
                throw new NegotiationException("peer left before choosing a security protocol");
            }
            channel = SecureChannel.respond(rawIn, rawOut, options.identity(), noiseStatic, ephemeral);
            if (Multistream.handle(channel.input(), channel.output(), YamuxSession.PROTOCOL::equals)
                    .isEmpty()) {
                throw new NegotiationException("peer left before choosing a stream multiplexer");
            }
        }
        socket.setSoTimeout(0);
        Multiaddr remote = Multiaddr.tcp((InetSocketAddress) socket.getRemoteSocketAddress());
        PeerConnection connection = new PeerConnection(this, socket, channel.remotePeer(), remote, dialer);
        YamuxSession session = new YamuxSession(
                channel.input(),
                channel.output(),
                dialer,
                options.maxInboundStreams(),
                stream -> serve(connection, stream),
                () -> {
                    connections.remove(connection);
                    connection.closeSocket();
                    listeners.forEach(l -> notify(() -> l.disconnected(connection)));
                });
        connection.attach(session);
        connections.add(connection);
        return connection;
    }

    private void serve(PeerConnection connection, YamuxStream stream) {
        try {
            Optional<String> protocol = Multistream.handle(stream.input(), stream.output(), handlers::containsKey);
            if (protocol.isEmpty()) {
                stream.reset();
                return;
            }
            StreamHandler handler = handlers.get(protocol.get());
            handler.handle(new P2pStream(connection, protocol.get(), stream));
            stream.closeWrite();
        } catch (IOException | MalformedDataException e) {
            log.atDebug()
                    .addKeyValue("peer", connection.remotePeer())
                    .addKeyValue("error", e.toString())
                    .log("stream failed");
            stream.reset();
        } catch (RuntimeException e) {
            log.atError()
                    .addKeyValue("peer", connection.remotePeer())
                    .setCause(e)
                    .log("stream handler failed");
            stream.reset();
        }
    }

    private void serveIdentify(P2pStream stream) throws IOException {
        Identify.write(
                stream.output(), identifyInfo(Optional.of(stream.connection().remoteAddress())));
    }

    private void receiveIdentifyPush(P2pStream stream) throws IOException {
        stream.connection().accept(Identify.read(stream.input()));
    }

    IdentifyInfo identifyInfo(Optional<Multiaddr> observed) {
        List<String> protocols;
        synchronized (handlers) {
            protocols = List.copyOf(handlers.keySet());
        }
        return new IdentifyInfo(
                Identify.PROTOCOL_VERSION,
                options.agentVersion(),
                options.identity().publicKey(),
                listenAddresses,
                observed,
                protocols);
    }

    /** Runs a listener callback on its own virtual thread, so a slow one holds up no connection. */
    private static void notify(Runnable callback) {
        Thread.ofVirtual().name("p2p-connection-listener").start(() -> {
            try {
                callback.run();
            } catch (RuntimeException e) {
                log.atError().setCause(e).log("connection listener failed");
            }
        });
    }

    /** Tells {@code listener} about every connection opened or closed from now on. */
    public void addConnectionListener(ConnectionListener listener) {
        listeners.add(Objects.requireNonNull(listener));
    }

    /**
     * Serves {@code protocol} on streams peers open; replaces an earlier handler of the same id.
     */
    public void handle(String protocol, StreamHandler handler) {
        handlers.put(Objects.requireNonNull(protocol), Objects.requireNonNull(handler));
    }

    public PeerId peerId() {
        return options.identity().peerId();
    }

    /** The addresses we listen on, with wildcards expanded to interface addresses. */
    public List<Multiaddr> listenAddresses() {
        return List.copyOf(listenAddresses);
    }

    /** Open connections. */
    public List<PeerConnection> connections() {
        return List.copyOf(connections);
    }

    /** An open connection to {@code peer}, if any. */
    public Optional<PeerConnection> connection(PeerId peer) {
        return connections.stream()
                .filter(c -> c.remotePeer().equals(peer) && c.isOpen())
                .findFirst();
    }

    @Override
    public void close() {
        closed = true;
        for (ServerSocket s : servers) {
            try {
                s.close();
            } catch (IOException e) {
                log.atDebug().addKeyValue("error", e.toString()).log("listener close failed");
            }
        }
        for (PeerConnection c : List.copyOf(connections)) {
            c.close();
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // Already closed or reset by the peer.
        }
    }
}
