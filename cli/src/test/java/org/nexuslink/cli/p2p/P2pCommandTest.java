// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.p2p;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nexuslink.cli.Main;
import org.nexuslink.p2p.Multiaddr;
import org.nexuslink.p2p.NodeOptions;
import org.nexuslink.p2p.P2pNode;
import org.nexuslink.p2p.PeerConnection;
import org.nexuslink.p2p.PeerId;
import org.nexuslink.p2p.PeerKeyPair;
import picocli.CommandLine;

@Timeout(60)
class P2pCommandTest {
    @TempDir
    Path profile;

    private final StringWriter out = new StringWriter();

    @Test
    void help_lists_start_and_ping() {
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        assertThat(cli.execute("p2p", "--help")).isZero();
        assertThat(out.toString()).contains("start", "ping");
    }

    @Test
    void ping_identifies_and_pings_a_peer() throws Exception {
        try (P2pNode peer = P2pNode.start(NodeOptions.defaults(
                PeerKeyPair.generate(new SecureRandom()), List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))))) {
            CommandLine cli = Main.commandLine();
            cli.setOut(new PrintWriter(out, true));
            String addr =
                    peer.listenAddresses().get(0).withPeerId(peer.peerId()).toString();
            assertThat(cli.execute("p2p", "ping", addr, "--count", "2")).isZero();
            assertThat(out.toString()).contains("peer-id " + peer.peerId(), "agent nexuslink/", "/ipfs/ping/1.0.0");
            assertThat(out.toString().lines().filter(l -> l.startsWith("pong ")).count())
                    .isEqualTo(2);
        }
    }

    @Test
    void start_prints_its_peer_id_and_addresses_and_keeps_its_key() throws Exception {
        String first = runStartAndConnect();
        out.getBuffer().setLength(0);
        String second = runStartAndConnect();
        assertThat(second).isEqualTo(first);
        assertThat(Files.readAllBytes(profile.resolve(P2pKeyFile.NAME))).hasSize(68);
    }

    @Test
    void the_key_file_is_created_whole_once_and_an_empty_leftover_is_replaced() throws Exception {
        Path fresh = profile.resolve("fresh");
        PeerKeyPair first = P2pKeyFile.loadOrCreate(fresh);
        assertThat(P2pKeyFile.loadOrCreate(fresh).peerId()).isEqualTo(first.peerId());
        try (var files = Files.list(fresh)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly(P2pKeyFile.NAME);
        }
        Path crashed = profile.resolve("crashed");
        Files.createDirectories(crashed);
        Files.createFile(crashed.resolve(P2pKeyFile.NAME));
        PeerKeyPair replaced = P2pKeyFile.loadOrCreate(crashed);
        assertThat(Files.readAllBytes(crashed.resolve(P2pKeyFile.NAME))).isEqualTo(replaced.encodedPrivateKey());
        Path garbage = profile.resolve("garbage");
        Files.createDirectories(garbage);
        Files.write(garbage.resolve(P2pKeyFile.NAME), new byte[] {1, 2, 3});
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> P2pKeyFile.loadOrCreate(garbage))
                .isInstanceOf(java.io.IOException.class)
                .hasMessageContaining("not a libp2p private key");
        assertThat(Files.readAllBytes(garbage.resolve(P2pKeyFile.NAME))).containsExactly(1, 2, 3);
    }

    /** Runs {@code p2p start}, connects a peer to it, stops it; returns the peer id it printed. */
    private String runStartAndConnect() throws Exception {
        PipedOutputStream stdin = new PipedOutputStream();
        PipedInputStream in = new PipedInputStream(stdin);
        CommandLine cli = new CommandLine(new P2pStartCommand(in));
        cli.setOut(new PrintWriter(out, true));
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(
                () -> cli.execute("--profile", profile.toString(), "--listen", "/ip4/127.0.0.1/tcp/0", "--no-mdns"));
        Matcher listening = awaitLine(Pattern.compile("listening (\\S+)"));
        Matcher id = awaitLine(Pattern.compile("peer-id (\\S+)"));
        Multiaddr addr = Multiaddr.parse(listening.group(1));
        assertThat(addr.peerId()).contains(PeerId.parse(id.group(1)));
        try (P2pNode client =
                P2pNode.start(NodeOptions.defaults(PeerKeyPair.generate(new SecureRandom()), List.of()))) {
            PeerConnection c = client.dial(addr);
            assertThat(c.ping()).isPositive();
            awaitLine(Pattern.compile("connected " + client.peerId()));
        }
        stdin.close();
        assertThat(exit.get(20, TimeUnit.SECONDS)).isZero();
        return id.group(1);
    }

    private Matcher awaitLine(Pattern pattern) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            Matcher m = pattern.matcher(out.toString());
            if (m.find()) {
                return m;
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("no line matching " + pattern + " in:\n" + out);
    }
}
