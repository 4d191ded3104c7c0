// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.p2p;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nexuslink.cli.Main;
import org.nexuslink.cli.client.ClientEnvironment;
import org.nexuslink.crypto.identity.AccountIdentity;
import org.nexuslink.crypto.identity.DeviceCertificate;
import org.nexuslink.crypto.identity.DeviceId;
import org.nexuslink.crypto.identity.DeviceKeyPair;
import org.nexuslink.crypto.keystore.FileKeyVault;
import org.nexuslink.crypto.keystore.KdfParameters;
import org.nexuslink.crypto.keystore.Passphrase;
import org.nexuslink.crypto.keystore.VaultContents;
import org.nexuslink.p2p.PeerKeyPair;
import picocli.CommandLine;

/**
 * Direct mode's chat commands, each node a {@code nexuslink} command of its own on its own
 * profile: two {@code p2p start --topic} nodes chatting in a room and by direct message, a third
 * profile using {@code p2p send} and {@code p2p peers}, and a contact verified with the community
 * mode's {@code contacts verify} shown as verified.
 */
@Timeout(120)
class P2pChatCommandTest {
    private static final KdfParameters FAST = new KdfParameters(256, 1, 1);
    private static final String PASSPHRASE = "correct horse battery";
    private static final Map<String, String> ENV = Map.of(ClientEnvironment.PASSPHRASE_ENV, PASSPHRASE);
    private static final String TIME = "\\d\\d:\\d\\d:\\d\\d";

    @TempDir
    Path dir;

    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<Node> nodes = new ArrayList<>();

    /** A running {@code p2p start}: what it printed so far, its standard input, its exit. */
    record Node(StringWriter out, PipedOutputStream stdin, CompletableFuture<Integer> exit) {
        void type(String line) throws IOException {
            stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush();
        }

        Matcher await(String regex) {
            Pattern pattern = Pattern.compile(regex, Pattern.MULTILINE);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
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

    record Run(int exit, String out, String err) {}

    @AfterEach
    void stop() throws Exception {
        for (Node n : nodes) {
            n.stdin().close();
        }
        for (Node n : nodes) {
            n.exit().get(30, TimeUnit.SECONDS);
        }
        threads.shutdownNow();
    }

    private Path profile(String name) {
        return dir.resolve(name);
    }

    private AccountIdentity createIdentity(String name) throws Exception {
        return createKeys(name).identity().orElseThrow();
    }

    private VaultContents createKeys(String name) throws Exception {
        AccountIdentity identity = AccountIdentity.generate();
        DeviceKeyPair device = DeviceKeyPair.generate();
        DeviceCertificate cert = identity.certify(
                DeviceId.PRIMARY, device.publicKey(), Instant.now().minusSeconds(60), Optional.empty());
        Files.createDirectories(profile(name));
        VaultContents keys =
                new VaultContents(identity.accountId(), Optional.of(identity), Optional.empty(), device, cert);
        try (Passphrase p = Passphrase.of(PASSPHRASE.toCharArray())) {
            FileKeyVault.inProfile(profile(name), p, FAST, new SecureRandom()).create(keys);
        }
        return keys;
    }

    private CommandLine commandLine(InputStream stdin, StringWriter out, StringWriter err) {
        CommandLine cmd = Main.commandLine(ClientEnvironment.of(ENV, Clock.systemUTC(), FAST, stdin));
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        return cmd;
    }

    private Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = commandLine(new ByteArrayInputStream(new byte[0]), out, err).execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private Node start(String... args) throws IOException {
        PipedOutputStream stdin = new PipedOutputStream();
        PipedInputStream in = new PipedInputStream(stdin);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = commandLine(in, out, err);
        Node node = new Node(out, stdin, CompletableFuture.supplyAsync(() -> cmd.execute(args), threads));
        nodes.add(node);
        return node;
    }

    @Test
    void two_nodes_chat_in_an_encrypted_room_and_by_direct_message_and_a_third_sends_and_lists_peers()
            throws Exception {
        AccountIdentity alice = createIdentity("alice");
        AccountIdentity bob = createIdentity("bob");
        AccountIdentity carol = createIdentity("carol");
        String aliceId = alice.accountId().toString();
        String bobId = bob.accountId().toString();
        String carolId = carol.accountId().toString();
        // Alice verified Bob in community mode: direct mode shows the same contact.
        assertThat(run(
                                "contacts",
                                "verify",
                                bobId,
                                "--confirm",
                                "--nickname",
                                "Bob",
                                "--profile",
                                profile("alice").toString())
                        .exit())
                .isZero();

        Node a = start(
                "p2p",
                "start",
                "--profile",
                profile("alice").toString(),
                "--listen",
                "/ip4/127.0.0.1/tcp/0",
                "--no-mdns",
                "--topic",
                "lobby");
        String aliceAddr = a.await("^listening (\\S+)$").group(1);
        String alicePeer = a.await("^peer-id (\\S+)$").group(1);
        a.await("^account " + Pattern.quote(aliceId) + "$");
        Node b = start(
                "p2p",
                "start",
                "--profile",
                profile("bob").toString(),
                "--listen",
                "/ip4/127.0.0.1/tcp/0",
                "--no-mdns",
                "--topic",
                "lobby",
                "--dial",
                aliceAddr);
        String bobAddr = b.await("^listening (\\S+)$").group(1);
        String bobPeer = b.await("^peer-id (\\S+)$").group(1);
        a.await("^peer " + bobPeer + " " + Pattern.quote(bobId) + " \\(Bob\\) verified$");
        b.await("^peer " + alicePeer + " " + Pattern.quote(aliceId) + " unverified$");

        b.type("hello lobby from bob");
        a.await("^" + TIME + " #lobby " + Pattern.quote(bobId) + " \\(Bob\\) verified: hello lobby from bob$");
        a.type("hi bob, the lobby hears you");
        b.await("^" + TIME + " #lobby " + Pattern.quote(aliceId) + " unverified: hi bob, the lobby hears you$");
        a.type("/dm " + bobId + " a word in private");
        a.await("^sent " + bobPeer + " " + Pattern.quote(bobId));
        b.await("^" + TIME + " @" + Pattern.quote(aliceId) + " unverified: a word in private$");
        a.type("/peers");
        a.await("^peer " + bobPeer + " " + Pattern.quote(bobId) + " \\(Bob\\) verified$");

        Run sent = run(
                "p2p",
                "send",
                aliceId,
                "psst",
                "from",
                "carol",
                "--dial",
                aliceAddr,
                "--no-mdns",
                "--profile",
                profile("carol").toString());
        assertThat(sent.exit()).as(sent.err()).isZero();
        assertThat(sent.out()).contains("sent " + alicePeer + " " + aliceId + " unverified");
        a.await("^" + TIME + " @" + Pattern.quote(carolId) + " unverified: psst from carol$");

        Run wrong = run(
                "p2p",
                "send",
                bobId,
                "not for alice",
                "--dial",
                aliceAddr,
                "--no-mdns",
                "--profile",
                profile("carol").toString());
        assertThat(wrong.exit()).isEqualTo(1);
        assertThat(wrong.out()).contains("refused " + alicePeer, "is bound to " + aliceId);
        assertThat(wrong.err()).contains("nothing was sent");

        Run peers = run(
                "p2p",
                "peers",
                "--dial",
                aliceAddr,
                "--dial",
                bobAddr,
                "--no-mdns",
                "--profile",
                profile("carol").toString());
        assertThat(peers.exit()).as(peers.err()).isZero();
        assertThat(peers.out())
                .contains(
                        "peer " + alicePeer + " " + aliceId + " unverified",
                        "peer " + bobPeer + " " + bobId + " unverified");

        a.stdin().close();
        b.stdin().close();
        assertThat(a.exit().get(30, TimeUnit.SECONDS)).isZero();
        assertThat(b.exit().get(30, TimeUnit.SECONDS)).isZero();
        assertThat(a.out().toString()).doesNotContain("not for alice");
        // Direct messages are kept in the same history as community mode's.
        assertThat(run("history", carolId, "--profile", profile("alice").toString())
                        .out())
                .contains("psst from carol");
        assertThat(run("history", bobId, "--profile", profile("alice").toString())
                        .out())
                .contains("a word in private");
        assertThat(run("history", aliceId, "--profile", profile("bob").toString())
                        .out())
                .contains("a word in private");
        assertThat(run("history", aliceId, "--profile", profile("carol").toString())
                        .out())
                .contains("psst from carol");
        // Each room line is shown once, never echoed back to its author.
        assertThat(a.out().toString().lines().filter(l -> l.endsWith("hello lobby from bob")))
                .hasSize(1);
        assertThat(b.out().toString()).doesNotContain("hello lobby from bob");
    }

    @Test
    void three_nodes_in_a_room_each_show_every_other_line_once_and_never_their_own() throws Exception {
        List<String> names = List.of("ann", "ben", "cat");
        List<Node> room = new ArrayList<>();
        List<String> addrs = new ArrayList<>();
        List<String> accounts = new ArrayList<>();
        for (String name : names) {
            accounts.add(createIdentity(name).accountId().toString());
            List<String> args = new ArrayList<>(List.of(
                    "p2p",
                    "start",
                    "--profile",
                    profile(name).toString(),
                    "--listen",
                    "/ip4/127.0.0.1/tcp/0",
                    "--no-mdns",
                    "--topic",
                    "trio"));
            for (String a : addrs) {
                args.addAll(List.of("--dial", a));
            }
            Node n = start(args.toArray(String[]::new));
            addrs.add(n.await("^listening (\\S+)$").group(1));
            room.add(n);
        }
        // Everyone has met everyone (and so holds their sender keys) before anyone writes.
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                if (i != j) {
                    room.get(i).await("^peer \\S+ " + Pattern.quote(accounts.get(j)) + " ");
                }
            }
        }
        for (int i = 0; i < 3; i++) {
            room.get(i).type("line from " + names.get(i));
        }
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                if (i != j) {
                    room.get(i)
                            .await("^" + TIME + " #trio " + Pattern.quote(accounts.get(j)) + " unverified: line from "
                                    + names.get(j) + "$");
                }
            }
        }
        for (Node n : room) {
            n.stdin().close();
            assertThat(n.exit().get(30, TimeUnit.SECONDS)).isZero();
        }
        for (int i = 0; i < 3; i++) {
            List<String> shown = room.get(i)
                    .out()
                    .toString()
                    .lines()
                    .filter(l -> l.contains(" #trio "))
                    .toList();
            assertThat(shown).hasSize(2).doesNotHaveDuplicates();
            String own = "line from " + names.get(i);
            assertThat(shown).noneMatch(l -> l.endsWith(own));
            assertThat(room.get(i).out().toString()).doesNotContain("unreadable");
        }
    }

    @Test
    void a_profile_with_an_identity_keeps_its_libp2p_key_in_its_encrypted_store_and_moves_an_old_key_file_there()
            throws Exception {
        createIdentity("erin");
        // A key file from before: its PeerId must survive the move.
        PeerKeyPair old = P2pKeyFile.loadOrCreate(profile("erin"));
        byte[] oldFile = Files.readAllBytes(profile("erin").resolve(P2pKeyFile.NAME));
        Node first = start(
                "p2p",
                "start",
                "--profile",
                profile("erin").toString(),
                "--listen",
                "/ip4/127.0.0.1/tcp/0",
                "--no-mdns");
        first.await("^peer-id " + old.peerId() + "$");
        first.stdin().close();
        assertThat(first.exit().get(30, TimeUnit.SECONDS)).isZero();
        assertThat(profile("erin").resolve(P2pKeyFile.NAME)).doesNotExist();
        Node second = start(
                "p2p",
                "start",
                "--profile",
                profile("erin").toString(),
                "--listen",
                "/ip4/127.0.0.1/tcp/0",
                "--no-mdns");
        second.await("^peer-id " + old.peerId() + "$");
        second.stdin().close();
        assertThat(second.exit().get(30, TimeUnit.SECONDS)).isZero();
        // The key is nowhere in the profile's files in the clear.
        try (var files = Files.walk(profile("erin"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                byte[] content = Files.readAllBytes(f);
                assertThat(contains(content, java.util.Arrays.copyOfRange(oldFile, 4, 36)))
                        .as(f.toString())
                        .isFalse();
            }
        }
    }

    @Test
    void a_device_the_profile_knows_to_be_revoked_is_refused_in_direct_mode_too() throws Exception {
        VaultContents frank = createKeys("frank");
        VaultContents grace = createKeys("grace");
        // Frank's profile learnt (in community mode) that Grace's account revoked this device.
        try (org.nexuslink.client.store.ProfileStore store = org.nexuslink.client.store.ProfileStore.open(
                profile("frank").resolve(org.nexuslink.client.NexusClient.STORE_FILE),
                org.nexuslink.client.store.StoreKey.derive(frank.deviceKey()),
                frank.deviceKey().asIdentityKeyPair())) {
            new org.nexuslink.client.session.DirectMessenger(
                            store,
                            new org.nexuslink.client.LocalDevice(
                                    frank.accountId(), frank.deviceKey(), frank.certificate()),
                            Clock.systemUTC())
                    .learn(grace.identity().orElseThrow().revoke(grace.certificate(), Instant.now()));
        }
        Node f = start(
                "p2p",
                "start",
                "--profile",
                profile("frank").toString(),
                "--listen",
                "/ip4/127.0.0.1/tcp/0",
                "--no-mdns");
        String frankAddr = f.await("^listening (\\S+)$").group(1);
        Run sent = run(
                "p2p",
                "send",
                frank.accountId().toString(),
                "let me in",
                "--dial",
                frankAddr,
                "--no-mdns",
                "--profile",
                profile("grace").toString());
        assertThat(sent.exit()).isEqualTo(1);
        assertThat(sent.err()).contains("nothing was sent");
        f.await("^refused \\S+ .*which its account revoked");
        assertThat(f.out().toString()).doesNotContain("let me in");
    }

    @Test
    void a_room_needs_an_identity_and_bad_peers_are_named() throws Exception {
        Run noIdentity = run("p2p", "start", "--profile", profile("empty").toString(), "--no-mdns", "--topic", "lobby");
        assertThat(noIdentity.exit()).isEqualTo(1);
        assertThat(noIdentity.err()).contains("--topic needs an identity");
        createIdentity("dave");
        Run badPeer = run(
                "p2p",
                "send",
                "nxl:nope",
                "hi",
                "--no-mdns",
                "--profile",
                profile("dave").toString());
        assertThat(badPeer.exit()).isEqualTo(1);
        assertThat(badPeer.err()).contains("not an nxl: account id, a PeerId or a multiaddr: nxl:nope");
        assertThat(Files.exists(profile("dave").resolve("messages.db"))).isFalse();
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
