// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.p2p.mdns;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.MulticastSocket;
import java.net.NetworkInterface;
import java.net.StandardSocketOptions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.nexuslink.p2p.MalformedDataException;
import org.nexuslink.p2p.Multiaddr;
import org.nexuslink.p2p.P2pNode;
import org.nexuslink.p2p.PeerId;
import org.nexuslink.p2p.internal.mdns.DnsMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LAN discovery by the libp2p mDNS spec: queries for PTR {@code _p2p._udp.local} on
 * 224.0.0.251:5353 and [ff02::fb]:5353, answers such queries with a PTR to
 * {@code <random name>._p2p._udp.local} and one TXT {@code dnsaddr=<multiaddr>/p2p/<id>} per
 * listen address, and reports each peer found in others' answers. Discovery is unauthenticated:
 * a found peer is only a dial target, which Noise then authenticates. One socket carries both
 * families; the IPv6 group is link-local, so it is joined and sent to per interface. Owns its
 * socket and threads until {@link #close()}.
 */
public final class MdnsDiscovery implements AutoCloseable {
    public static final String SERVICE = "_p2p._udp.local";
    private static final Logger log = LoggerFactory.getLogger(MdnsDiscovery.class);
    private static final InetAddress GROUP = group();
    private static final byte[] GROUP6 = {(byte) 0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xfb};

    /** The IP families mDNS runs on. */
    public enum Family {
        IPV4,
        IPV6
    }

    private static final int PORT = 5353;
    private static final long TTL = 120;

    private final P2pNode node;
    private final Consumer<DiscoveredPeer> onPeer;
    private final String peerName;
    private final MulticastSocket socket;
    private final boolean ipv4;
    /** The IPv6 group, scoped to each interface that joined it. */
    private final List<InetAddress> groups6;

    private final ScheduledExecutorService timer;
    private volatile boolean closed;

    /** A peer announced on the LAN: its id and the addresses it gave (without {@code /p2p/}). */
    public record DiscoveredPeer(PeerId peerId, List<Multiaddr> addresses) {
        public DiscoveredPeer {
            Objects.requireNonNull(peerId);
            addresses = List.copyOf(addresses);
        }
    }

    private static InetAddress group() {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) 224, 0, 0, (byte) 251});
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException("a four-byte address is always valid", e);
        }
    }

    private MdnsDiscovery(
            P2pNode node,
            Consumer<DiscoveredPeer> onPeer,
            MulticastSocket socket,
            boolean ipv4,
            List<InetAddress> groups6) {
        this.node = node;
        this.onPeer = onPeer;
        this.socket = socket;
        this.ipv4 = ipv4;
        this.groups6 = List.copyOf(groups6);
        byte[] name = new byte[16];
        new SecureRandom().nextBytes(name);
        this.peerName = java.util.HexFormat.of().formatHex(name);
        this.timer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofVirtual().name("mdns-query").factory());
    }

    /**
     * Joins the mDNS groups (IPv4 and IPv6) on every up, multicast-capable interface and starts
     * answering and querying every {@code queryInterval}.
     *
     * @throws IOException if port 5353 cannot be bound or no interface can join a group
     */
    public static MdnsDiscovery start(P2pNode node, Duration queryInterval, Consumer<DiscoveredPeer> onPeer)
            throws IOException {
        return start(node, queryInterval, java.util.EnumSet.allOf(Family.class), onPeer);
    }

    /**
     * As {@link #start(P2pNode, Duration, Consumer)}, on the given families only.
     *
     * @throws IOException if port 5353 cannot be bound or no interface can join a group of those families
     */
    public static MdnsDiscovery start(
            P2pNode node, Duration queryInterval, java.util.Set<Family> families, Consumer<DiscoveredPeer> onPeer)
            throws IOException {
        MulticastSocket socket = new MulticastSocket(null);
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(PORT));
        socket.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, true);
        boolean ipv4 = false;
        List<InetAddress> groups6 = new ArrayList<>();
        for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nif.isUp() || !nif.supportsMulticast()) {
                continue;
            }
            if (families.contains(Family.IPV4)
                    && nif.inetAddresses().anyMatch(a -> a instanceof java.net.Inet4Address)) {
                ipv4 |= join(socket, GROUP, nif);
            }
            if (families.contains(Family.IPV6)
                    && nif.inetAddresses().anyMatch(a -> a instanceof java.net.Inet6Address)) {
                InetAddress scoped = java.net.Inet6Address.getByAddress(null, GROUP6, nif);
                if (join(socket, scoped, nif)) {
                    groups6.add(scoped);
                }
            }
        }
        if (!ipv4 && groups6.isEmpty()) {
            socket.close();
            throw new IOException("no interface could join an mDNS group");
        }
        MdnsDiscovery mdns = new MdnsDiscovery(node, onPeer, socket, ipv4, groups6);
        Thread.ofVirtual().name("mdns-receive").start(mdns::receiveLoop);
        mdns.timer.scheduleAtFixedRate(mdns::query, 0, queryInterval.toMillis(), TimeUnit.MILLISECONDS);
        return mdns;
    }

    private static boolean join(MulticastSocket socket, InetAddress group, NetworkInterface nif) {
        try {
            socket.joinGroup(new InetSocketAddress(group, PORT), nif);
            return true;
        } catch (IOException e) {
            log.atDebug()
                    .addKeyValue("interface", nif.getName())
                    .addKeyValue("group", group)
                    .addKeyValue("error", e.toString())
                    .log("mdns join failed");
            return false;
        }
    }

    private void query() {
        send(new DnsMessage(
                false, List.of(new DnsMessage.Question(SERVICE, DnsMessage.TYPE_PTR)), List.of(), List.of()));
    }

    private void send(DnsMessage message) {
        byte[] bytes = message.encode();
        List<InetAddress> targets = new ArrayList<>(groups6);
        if (ipv4) {
            targets.add(GROUP);
        }
        for (InetAddress target : targets) {
            try {
                socket.send(new DatagramPacket(bytes, bytes.length, target, PORT));
            } catch (IOException | RuntimeException e) {
                if (!closed) {
                    log.atDebug()
                            .addKeyValue("group", target)
                            .addKeyValue("error", e.toString())
                            .log("mdns send failed");
                }
            }
        }
    }

    private void receiveLoop() {
        byte[] buffer = new byte[9000];
        while (!closed) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
            } catch (IOException e) {
                return;
            }
            try {
                DnsMessage message = DnsMessage.decode(java.util.Arrays.copyOf(packet.getData(), packet.getLength()));
                if (message.response()) {
                    onResponse(message);
                } else {
                    onQuery(message);
                }
            } catch (MalformedDataException e) {
                log.atDebug().addKeyValue("from", packet.getSocketAddress()).log("malformed mdns packet");
            }
        }
    }

    private void onQuery(DnsMessage query) {
        boolean asked = query.questions().stream()
                .anyMatch(q -> q.name().equalsIgnoreCase(SERVICE)
                        && (q.type() == DnsMessage.TYPE_PTR || q.type() == DnsMessage.TYPE_ANY));
        if (!asked) {
            return;
        }
        String instance = peerName + "." + SERVICE;
        List<DnsMessage.Record> answers = new ArrayList<>();
        answers.add(DnsMessage.Record.ptr(SERVICE, instance, TTL));
        for (Multiaddr a : node.listenAddresses()) {
            String txt = "dnsaddr=" + a.withPeerId(node.peerId());
            if (txt.length() <= 255) {
                answers.add(DnsMessage.Record.txt(instance, List.of(txt), TTL));
            }
        }
        send(new DnsMessage(true, List.of(), answers, List.of()));
    }

    private void onResponse(DnsMessage response) {
        List<DnsMessage.Record> all = new ArrayList<>(response.answers());
        all.addAll(response.additionals());
        boolean service = all.stream()
                .anyMatch(r -> r.type() == DnsMessage.TYPE_PTR
                        && r.name().equalsIgnoreCase(SERVICE)
                        && !r.target().startsWith(peerName));
        if (!service) {
            return;
        }
        PeerId peer = null;
        List<Multiaddr> addresses = new ArrayList<>();
        for (DnsMessage.Record r : all) {
            if (r.type() != DnsMessage.TYPE_TXT) {
                continue;
            }
            for (String s : r.strings()) {
                if (!s.startsWith("dnsaddr=")) {
                    continue;
                }
                try {
                    Multiaddr a = Multiaddr.parse(s.substring("dnsaddr=".length()));
                    PeerId id = a.peerId().orElse(null);
                    if (id == null || (peer != null && !peer.equals(id))) {
                        continue;
                    }
                    peer = id;
                    String text = a.toString();
                    addresses.add(Multiaddr.parse(text.substring(0, text.lastIndexOf("/p2p/"))));
                } catch (MalformedDataException e) {
                    // An address of a transport we do not speak.
                }
            }
        }
        if (peer != null && !peer.equals(node.peerId()) && !addresses.isEmpty()) {
            onPeer.accept(new DiscoveredPeer(peer, addresses));
        }
    }

    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
        socket.close();
    }
}
