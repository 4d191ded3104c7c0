// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.p2p;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.nexuslink.cli.TerminalText;
import org.nexuslink.cli.client.ClientCommand;
import org.nexuslink.cli.client.ProfileLock;
import org.nexuslink.crypto.keystore.VaultContents;
import org.nexuslink.p2p.Multiaddr;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code nexuslink p2p peers}: looks for NexusLink peers on the LAN (and at {@code --dial}) for a
 * few seconds and lists each with the account it proved and whether that contact is verified.
 */
@Command(
        name = "peers",
        mixinStandardHelpOptions = true,
        description = {
            "List the peers found on the LAN by mDNS (and at --dial): one line",
            "'peer <peer-id> <account> [(nickname)] verified|unverified' per peer that",
            "proves its account, 'refused <peer-id> <reason>' per peer that does not."
        })
public final class P2pPeersCommand extends ClientCommand {
    @Option(names = "--dial", paramLabel = "MULTIADDR", description = "Also ask the peer at this address (repeatable).")
    List<String> dial = new ArrayList<>();

    @Option(names = "--no-mdns", description = "Do not look on the LAN; ask only the --dial peers.")
    boolean noMdns;

    @Option(names = "--wait", paramLabel = "SECONDS", description = "How long to look on the LAN (default 3).")
    int waitSeconds = 3;

    @Override
    protected void run() throws Exception {
        List<Multiaddr> dialAddrs = new ArrayList<>();
        for (String a : dial) {
            dialAddrs.add(Multiaddr.parse(a));
        }
        requireKeystore();
        try (ProfileLock lock = ProfileLock.acquire(profileDir())) {
            VaultContents keys = unlock();
            try (ChatNode chat = ChatNode.open(
                    profileDir(), keys, environment().clock(), List.of(Multiaddr.parse("/ip4/0.0.0.0/tcp/0")), out())) {
                for (Multiaddr a : dialAddrs) {
                    try {
                        chat.meet(chat.node().dial(a));
                    } catch (IOException e) {
                        chat.print("dial-failed " + a + " " + TerminalText.safe(String.valueOf(e.getMessage())));
                    }
                }
                if (!noMdns) {
                    chat.discover(chat::meet);
                    Thread.sleep(waitSeconds * 1000L);
                }
            }
        }
    }
}
