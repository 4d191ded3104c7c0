// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.p2p;

import java.io.PrintWriter;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.Callable;
import org.nexuslink.p2p.IdentifyInfo;
import org.nexuslink.p2p.Multiaddr;
import org.nexuslink.p2p.NodeOptions;
import org.nexuslink.p2p.P2pNode;
import org.nexuslink.p2p.PeerConnection;
import org.nexuslink.p2p.PeerKeyPair;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code nexuslink p2p ping}: dials a libp2p peer with a throwaway key, identifies and pings it. */
@Command(
        name = "ping",
        mixinStandardHelpOptions = true,
        description = "Connect to a libp2p peer (TCP, Noise, yamux), show its identify record and ping it.")
public final class P2pPingCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "MULTIADDR", description = "The peer, e.g. /ip4/127.0.0.1/tcp/4001/p2p/12D3KooW...")
    String address;

    @Option(names = "--count", paramLabel = "N", description = "Pings to send (default 3).")
    int count = 3;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Multiaddr target = Multiaddr.parse(address);
        try (P2pNode node = P2pNode.start(NodeOptions.defaults(PeerKeyPair.generate(new SecureRandom()), List.of()))) {
            PeerConnection c = node.dial(target);
            out.println("peer-id " + c.remotePeer());
            IdentifyInfo info = c.identify();
            out.println("agent " + info.agentVersion());
            out.println("protocols " + String.join(" ", info.protocols()));
            for (Multiaddr a : info.listenAddresses()) {
                out.println("listen-addr " + a);
            }
            for (int i = 0; i < count; i++) {
                out.println("pong " + (c.ping().toNanos() / 1000) / 1000.0 + " ms");
            }
            out.flush();
        }
        return 0;
    }
}
