// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.p2p;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.nexuslink.cli.TerminalText;
import org.nexuslink.cli.client.ClientCommand;
import org.nexuslink.cli.client.ClientFailure;
import org.nexuslink.cli.client.ProfileLock;
import org.nexuslink.crypto.keystore.VaultContents;
import org.nexuslink.p2p.ConnectionListener;
import org.nexuslink.p2p.Multiaddr;
import org.nexuslink.p2p.NodeOptions;
import org.nexuslink.p2p.P2pNode;
import org.nexuslink.p2p.PeerConnection;
import org.nexuslink.p2p.PeerKeyPair;
import org.nexuslink.p2p.chat.DirectPeer;
import org.nexuslink.p2p.mdns.MdnsDiscovery;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code nexuslink p2p start}: runs the node until standard input closes (Ctrl-D) or the
 * process is stopped, printing {@code peer-id} and {@code listening} lines first and one line
 * per peer that connects or leaves. On a profile with an identity it also proves its account to
 * each peer, receives end-to-end encrypted direct messages, and with {@code --topic} joins an
 * encrypted room: each line typed is sent to the room, {@code /dm PEER TEXT} sends a direct
 * message and {@code /peers} lists the peers.
 */
@Command(
        name = "start",
        mixinStandardHelpOptions = true,
        description = {
            "Start a libp2p node; any libp2p implementation can ping and identify it.",
            "Prints 'peer-id <id>' and one 'listening <multiaddr>' line per address,",
            "then connection events. Finds and connects to peers on the LAN by mDNS",
            "unless --no-mdns.",
            "With an identity in the profile (unlocked by NEXUSLINK_PASSPHRASE or a",
            "prompt) it proves its account to each peer ('peer <id> <account> ...') and",
            "shows end-to-end encrypted direct messages ('HH:mm:ss @<account> ...: text').",
            "Typed lines: '/dm <nxl-id|peer-id> <text>', '/peers', and with --topic any",
            "other line goes to the room ('HH:mm:ss #<room> <account> ...: text').",
            "Stops when standard input closes (Ctrl-D)."
        })
public final class P2pStartCommand extends ClientCommand {
    @Option(
            names = "--listen",
            paramLabel = "MULTIADDR",
            description = "TCP address to listen on (repeatable; default /ip4/0.0.0.0/tcp/0).")
    List<String> listen = new ArrayList<>();

    @Option(
            names = "--dial",
            paramLabel = "MULTIADDR",
            description = "Peer to connect to at start, e.g. /ip4/192.0.2.1/tcp/4001/p2p/12D3KooW... (repeatable).")
    List<String> dial = new ArrayList<>();

    @Option(names = "--no-mdns", description = "Do not announce this node or look for peers on the LAN by mDNS.")
    boolean noMdns;

    @Option(
            names = "--topic",
            paramLabel = "ROOM",
            description = "Join this end-to-end encrypted room (a gossipsub topic); needs an identity in the profile.")
    String topic;

    private final Optional<InputStream> stdin;

    public P2pStartCommand() {
        this.stdin = Optional.empty();
    }

    P2pStartCommand(InputStream stdin) {
        this.stdin = Optional.of(stdin);
    }

    private InputStream input() {
        return stdin.orElseGet(() -> environment().input());
    }

    @Override
    protected void run() throws Exception {
        List<Multiaddr> listenAddrs = new ArrayList<>();
        for (String a : listen.isEmpty() ? List.of("/ip4/0.0.0.0/tcp/0") : listen) {
            listenAddrs.add(Multiaddr.parse(a));
        }
        List<Multiaddr> dialAddrs = new ArrayList<>();
        for (String a : dial) {
            dialAddrs.add(Multiaddr.parse(a));
        }
        if (!Files.exists(keystoreFile())) {
            if (topic != null) {
                throw new ClientFailure(
                        "--topic needs an identity in profile " + profileDir() + "; run `nexuslink id create` first");
            }
            runWithoutIdentity(listenAddrs, dialAddrs);
            return;
        }
        try (ProfileLock lock = ProfileLock.acquire(profileDir())) {
            VaultContents keys = unlock();
            try (ChatNode chat = ChatNode.open(profileDir(), keys, environment().clock(), listenAddrs, out())) {
                if (topic != null) {
                    chat.joinRoom(topic);
                }
                chat.node().addConnectionListener(new ConnectionListener() {
                    @Override
                    public void connected(PeerConnection c) {
                        chat.print("connected " + c.remotePeer() + " " + c.remoteAddress());
                        chat.meet(c);
                    }

                    @Override
                    public void disconnected(PeerConnection c) {
                        chat.print("disconnected " + c.remotePeer());
                    }
                });
                chat.print("peer-id " + chat.node().peerId());
                chat.print("account " + keys.accountId());
                for (Multiaddr a : chat.node().listenAddresses()) {
                    chat.print("listening " + a.withPeerId(chat.node().peerId()));
                }
                chat.room().ifPresent(r -> chat.print("room " + TerminalText.safe(topic) + " " + r.topic()));
                for (Multiaddr a : dialAddrs) {
                    try {
                        chat.node().dial(a);
                    } catch (IOException e) {
                        chat.print("dial-failed " + a + " " + e.getMessage());
                    }
                }
                if (!noMdns) {
                    chat.discover(c -> {});
                }
                readLines(chat);
            }
        }
    }

    private void readLines(ChatNode chat) throws IOException {
        BufferedReader lines = new BufferedReader(new InputStreamReader(input(), StandardCharsets.UTF_8));
        String line;
        while ((line = lines.readLine()) != null) {
            line = line.strip();
            if (line.isEmpty()) {
                continue;
            }
            if (line.equals("/peers")) {
                for (DirectPeer p : chat.direct().peers()) {
                    if (chat.node().connection(p.peerId()).isPresent()) {
                        chat.print("peer " + p.peerId() + " " + chat.name(p));
                    }
                }
            } else if (line.startsWith("/dm ")) {
                sendDirect(chat, line.substring(4).strip());
            } else if (chat.room().isPresent()) {
                chat.room().get().publish(line);
            } else {
                chat.print("error: not in a room; start with --topic ROOM, or send with /dm <nxl-id|peer-id> <text>");
            }
        }
    }

    private static void sendDirect(ChatNode chat, String args) {
        int space = args.indexOf(' ');
        if (space < 0) {
            chat.print("error: usage: /dm <nxl-id|peer-id> <text>");
            return;
        }
        String text = args.substring(space + 1).strip();
        PeerTarget target;
        try {
            target = PeerTarget.parse(args.substring(0, space));
        } catch (ClientFailure e) {
            chat.print("error: " + TerminalText.safe(e.getMessage()));
            return;
        }
        List<PeerConnection> candidates = chat.node().connections().stream()
                .filter(target::mayBe)
                .filter(c -> target.account().isEmpty()
                        || chat.direct()
                                .peer(c.remotePeer())
                                .map(p -> p.account().equals(target.account().get()))
                                .orElse(false))
                .toList();
        if (candidates.isEmpty()) {
            chat.print("error: no connected peer is " + TerminalText.safe(target.text()));
            return;
        }
        for (PeerConnection c : candidates) {
            try {
                DirectPeer p = chat.sendText(c, target.account(), text);
                chat.print("sent " + p.peerId() + " " + chat.name(p));
            } catch (IOException e) {
                chat.print("error: " + c.remotePeer() + " " + TerminalText.safe(String.valueOf(e.getMessage())));
            }
        }
    }

    /** A node with no account behind it: answers ping and identify, prints connections. */
    private void runWithoutIdentity(List<Multiaddr> listenAddrs, List<Multiaddr> dialAddrs) throws IOException {
        PrintWriter out = out();
        PeerKeyPair key = P2pKeyFile.loadOrCreate(profileDir());
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
                } catch (IOException e) {
                    print(out, "dial-failed " + a + " " + e.getMessage());
                }
            }
            MdnsDiscovery mdns = noMdns
                    ? null
                    : MdnsDiscovery.start(node, Duration.ofSeconds(10), found -> {
                        if (node.connection(found.peerId()).isEmpty()) {
                            print(
                                    out,
                                    "found " + found.peerId() + " "
                                            + found.addresses().get(0));
                            try {
                                node.dial(found.addresses().get(0).withPeerId(found.peerId()));
                            } catch (IOException e) {
                                print(out, "dial-failed " + found.peerId() + " " + e.getMessage());
                            }
                        }
                    });
            try {
                input().transferTo(java.io.OutputStream.nullOutputStream());
            } finally {
                if (mdns != null) {
                    mdns.close();
                }
            }
        }
    }

    private static void print(PrintWriter out, String line) {
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }
}
