// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.p2p;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.nexuslink.cli.TerminalText;
import org.nexuslink.cli.client.ClientCommand;
import org.nexuslink.cli.client.ClientFailure;
import org.nexuslink.cli.client.ProfileLock;
import org.nexuslink.crypto.keystore.VaultContents;
import org.nexuslink.p2p.Multiaddr;
import org.nexuslink.p2p.PeerConnection;
import org.nexuslink.p2p.chat.DirectPeer;
import org.nexuslink.p2p.chat.RefusedPeerException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code nexuslink p2p send}: finds a peer (on the LAN by mDNS, or at {@code --dial}), checks
 * that it is bound to the account named, sends it one end-to-end encrypted direct message and
 * exits once the peer has received it.
 */
@Command(
        name = "send",
        mixinStandardHelpOptions = true,
        description = {
            "Send an end-to-end encrypted direct message to a peer found on the LAN",
            "(mDNS) or at --dial, and exit once it has received it. The peer must prove",
            "it belongs to the account named. Prints 'sent <peer-id> <account> ...'."
        })
public final class P2pSendCommand extends ClientCommand {
    @Parameters(
            index = "0",
            paramLabel = "PEER",
            description =
                    "An account (nxl:...: any of its devices found), a PeerId (12D3KooW...) or a multiaddr to dial.")
    String peer;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "TEXT", description = "The message.")
    List<String> words;

    @Option(names = "--dial", paramLabel = "MULTIADDR", description = "Also try the peer at this address (repeatable).")
    List<String> dial = new ArrayList<>();

    @Option(names = "--no-mdns", description = "Do not look for the peer on the LAN by mDNS.")
    boolean noMdns;

    @Option(names = "--wait", paramLabel = "SECONDS", description = "How long to look for the peer (default 10).")
    int waitSeconds = 10;

    @Override
    protected void run() throws Exception {
        PeerTarget target = PeerTarget.parse(peer);
        String text = String.join(" ", words);
        List<Multiaddr> dialAddrs = new ArrayList<>();
        target.address().ifPresent(dialAddrs::add);
        for (String a : dial) {
            dialAddrs.add(Multiaddr.parse(a));
        }
        if (dialAddrs.isEmpty() && noMdns) {
            throw new ClientFailure("with --no-mdns, name the peer by multiaddr or give --dial");
        }
        requireKeystore();
        try (ProfileLock lock = ProfileLock.acquire(profileDir())) {
            VaultContents keys = unlock();
            try (ChatNode chat = ChatNode.open(
                    profileDir(), keys, environment().clock(), List.of(Multiaddr.parse("/ip4/0.0.0.0/tcp/0")), out())) {
                CompletableFuture<DirectPeer> sent = new CompletableFuture<>();
                java.util.function.Consumer<PeerConnection> attempt = c -> {
                    if (sent.isDone() || !target.mayBe(c)) {
                        return;
                    }
                    try {
                        sent.complete(chat.sendText(c, target.account(), text));
                    } catch (RefusedPeerException e) {
                        chat.print(
                                "refused " + c.remotePeer() + " " + TerminalText.safe(String.valueOf(e.getMessage())));
                    } catch (IOException e) {
                        chat.print(
                                "failed " + c.remotePeer() + " " + TerminalText.safe(String.valueOf(e.getMessage())));
                    }
                };
                for (Multiaddr a : dialAddrs) {
                    try {
                        attempt.accept(chat.node().dial(a));
                    } catch (IOException e) {
                        chat.print("dial-failed " + a + " " + TerminalText.safe(String.valueOf(e.getMessage())));
                    }
                }
                if (!sent.isDone() && !noMdns) {
                    chat.discover(attempt);
                }
                DirectPeer to;
                try {
                    to = sent.get(noMdns ? 0 : waitSeconds, TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    throw new ClientFailure("no peer that is " + target.text() + " answered"
                            + (noMdns ? "" : " within " + waitSeconds + " s") + "; nothing was sent");
                }
                chat.print("sent " + to.peerId() + " " + chat.name(to));
            }
        }
    }
}
