// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.p2p;

import picocli.CommandLine.Command;

/** {@code nexuslink p2p}: the libp2p node of direct mode. */
@Command(
        name = "p2p",
        mixinStandardHelpOptions = true,
        description = {
            "Direct mode: a libp2p node (TCP, Noise, yamux) that answers ping and identify,",
            "with end-to-end encrypted direct messages and rooms between NexusLink accounts."
        },
        subcommands = {P2pStartCommand.class, P2pPingCommand.class, P2pPeersCommand.class, P2pSendCommand.class})
public final class P2pCommand {}
