// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.p2p;

import java.io.InputStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.nexuslink.cli.profile.ProfileOption;
import org.nexuslink.p2p.ConnectionListener;
import org.nexuslink.p2p.Multiaddr;
import org.nexuslink.p2p.NodeOptions;
import org.nexuslink.p2p.P2pNode;
import org.nexuslink.p2p.PeerConnection;
import org.nexuslink.p2p.PeerKeyPair;
import org.nexuslink.p2p.mdns.MdnsDiscovery;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code nexuslink p2p start}: runs the node until standard input closes (Ctrl-D) or the
 * process is stopped, printing {@code peer-id} and {@code listening} lines first and one line
 * per peer that connects or leaves.
 */
@Command(name = "start", mixinStandardHelpOptions = true,
        description = {"Start a libp2p node; any libp2p implementation can ping and identify it.",
            "Prints 'peer-id <id>' and one 'listening <multiaddr>' line per address, then connection events.",
            "Finds and connects to peers on the LAN by mDNS unless --no-mdns.",
            "Stops when standard input closes (Ctrl-D)."})
public final class P2pStartCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ProfileOption profile;

    @Option(names = "--listen", paramLabel = "MULTIADDR",
            description = "TCP address to listen on (repeatable; default /ip4/0.0.0.0/tcp/0).")
    List<String> listen = new ArrayList<>();

    @Option(names = "--dial", paramLabel = "MULTIADDR",
            description = "Peer to connect to at start, e.g. /ip4/192.0.2.1/tcp/4001/p2p/12D3KooW... (repeatable).")
    List<String> dial = new ArrayList<>();

    @Option(names = "--no-mdns", description = "Do not announce this node or look for peers on the LAN by mDNS.")
    boolean noMdns;

    private final InputStream stdin;

    public P2pStartCommand() {
        this(System.in);
    }

    P2pStartCommand(InputStream stdin) {
        this.stdin = stdin;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        List<Multiaddr> listenAddrs = new ArrayList<>();
        for (String a : listen.isEmpty() ? List.of("/ip4/0.0.0.0/tcp/0") : listen) {
            listenAddrs.add(Multiaddr.parse(a));
        }
        List<Multiaddr> dialAddrs = new ArrayList<>();
        for (String a : dial) {
            dialAddrs.add(Multiaddr.parse(a));
        }
        PeerKeyPair key = P2pKeyFile.loadOrCreate(profile.dir());
        try (P2pNode node = P2pNode.start(NodeOptions.defaults(key, listenAddrs))) {
            node.addConnectionListener(new ConnectionListener() {
                @Override
                public void connected(PeerConnection c) {
                    print(out, "connected " + c.remotePeer() + " " + c.remoteAddress());
                }

                @Override
                public void disconnected(PeerConnection c) {
                    print(out, "disconnected " + c.remotePeer());
                }
            });
            print(out, "peer-id " + node.peerId());
            for (Multiaddr a : node.listenAddresses()) {
                print(out, "listening " + a.withPeerId(node.peerId()));
            }
            for (Multiaddr a : dialAddrs) {
                try {
                    PeerConnection c = node.dial(a);
                    print(out, "ping " + c.remotePeer() + " " + c.ping().toMillis() + " ms");
                } catch (java.io.IOException e) {
                    print(out, "dial-failed " + a + " " + e.getMessage());
                }
            }
            MdnsDiscovery mdns = noMdns ? null : MdnsDiscovery.start(node, Duration.ofSeconds(10), found -> {
                if (node.connection(found.peerId()).isEmpty()) {
                    print(out, "found " + found.peerId() + " " + found.addresses().get(0));
                    try {
                        node.dial(found.addresses().get(0).withPeerId(found.peerId()));
                    } catch (java.io.IOException e) {
                        print(out, "dial-failed " + found.peerId() + " " + e.getMessage());
                    }
                }
            });
            try {
                stdin.transferTo(java.io.OutputStream.nullOutputStream());
            } finally {
                if (mdns != null) {
                    mdns.close();
                }
            }
        }
        return 0;
    }

    private static void print(PrintWriter out, String line) {
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }
}
