// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client end to end, as users run it: a real server process and the {@code nexuslink}
 * command for three accounts (alice, bob, carol) and a second device of alice, each CLI call its
 * own process. Join, direct messages both ways, offline delivery, a channel with three members
 * and a ban, a 5 MiB file, reply, revoke, a linked device, reconnection across a server restart
 * and the interactive chat under tmux. After each step the server's database, WAL, media folder
 * and logs are searched for every plaintext so far: none may be there.
 */
class ClientCliIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final List<byte[]> plaintexts = new ArrayList<>();

    private String secret(String text) {
        plaintexts.add(text.getBytes(StandardCharsets.UTF_8));
        return text;
    }

    @Test
    void three_accounts_and_a_linked_device_chat_end_to_end_through_a_real_server() throws Exception {
        try (CliFixture nx = new CliFixture(dir)) {
            // --- identities and join ---
            List<String> ids = parallel(
                    () -> accountId(nx.cli("alice", "id", "create").ok()),
                    () -> accountId(nx.cli("bob", "id", "create").ok()),
                    () -> accountId(nx.cli("carol", "id", "create").ok()));
            String alice = ids.get(0);
            String bob = ids.get(1);
            String carol = ids.get(2);
            Map<String, String> serverEnv = Map.of("NEXUSLINK_COMMUNITY_ADMIN_UUID", alice);
            nx.startServer(serverEnv);
            parallel(
                    () -> nx.cli("alice", "community", "join", nx.url(), "--name", "alice")
                            .ok(),
                    () -> nx.cli("bob", "community", "join", nx.url(), "--name", "bob")
                            .ok(),
                    () -> nx.cli("carol", "community", "join", nx.url(), "--name", "carol")
                            .ok());
            nx.assertNoPlaintextOnServer(plaintexts);

            // --- bob follows his inbox while alice writes: 1:1, channel, a 5 MiB file ---
            Path received = dir.resolve("bob-files");
            String p1 = secret("P1 alice to bob, one to one " + nonce());
            String p2 = secret("P2 alice in the channel " + nonce());
            Path file = dir.resolve("report.bin");
            byte[] fileBytes = new byte[5 * 1024 * 1024];
            new SecureRandom().nextBytes(fileBytes);
            byte[] marker = ("FILE-PLAINTEXT-MARKER-" + nonce()).getBytes(StandardCharsets.UTF_8);
            System.arraycopy(marker, 0, fileBytes, 0, marker.length);
            Files.write(file, fileBytes);
            plaintexts.add(marker);
            plaintexts.add(Arrays.copyOfRange(fileBytes, 2_000_000, 2_000_064));
            plaintexts.add(Arrays.copyOfRange(fileBytes, fileBytes.length - 64, fileBytes.length));
            String p1Ref;
            try (CliFixture.Running bobInbox =
                    nx.start("bob", "inbox", "--follow", "--json", "--save-files", received.toString())) {
                bobInbox.awaitErr(l -> l.contains("connected"), "bob's inbox connected");
                nx.cli("alice", "send", bob, p1).ok();
                JsonNode first = json(bobInbox.awaitOut(l -> l.contains("P1 alice"), "P1 at bob"));
                assertThat(first.path("conversation").asText()).isEqualTo("dm:" + alice);
                assertThat(first.path("sender").asText()).isEqualTo(alice);
                p1Ref = first.path("ref").asText();

                nx.cli("alice", "channels", "create", "general").ok();
                nx.cli("alice", "send", "#general", p2).ok();
                JsonNode inChannel = json(bobInbox.awaitOut(l -> l.contains("P2 alice"), "P2 at bob"));
                assertThat(inChannel.path("conversation").asText()).startsWith("ch:");

                nx.cli("alice", "send", bob, "--file", file.toString(), "--mime", "application/x-report")
                        .ok();
                JsonNode sentFile = json(bobInbox.awaitOut(l -> l.contains("\"report.bin\""), "the file at bob"));
                assertThat(sentFile.path("file").path("size").asLong()).isEqualTo(fileBytes.length);
                assertThat(sentFile.path("file").path("mime").asText()).isEqualTo("application/x-report");
                assertThat(Files.readAllBytes(Path.of(sentFile.path("saved_to").asText())))
                        .isEqualTo(fileBytes);
            }
            String general = "#general";
            nx.assertNoPlaintextOnServer(plaintexts);

            // --- offline delivery to carol; bob answers alice and replies to P1 ---
            String p3 = secret("P3 alice to carol while carol is offline " + nonce());
            nx.cli("alice", "send", "dm:" + carol, p3).ok();
            String p4 = secret("P4 carol in the channel " + nonce());
            String p5 = secret("P5 bob to alice " + nonce());
            String p6 = secret("P6 bob replies to P1 " + nonce());
            List<CliFixture.Result> offline = parallel(
                    () -> {
                        CliFixture.Result inbox =
                                nx.cli("carol", "inbox", "--json").ok();
                        nx.cli("carol", "send", general, p4).ok();
                        return inbox;
                    },
                    () -> {
                        nx.cli("bob", "send", "dm:" + alice, p5).ok();
                        return nx.cli("bob", "send", alice, "--reply-to", p1Ref, p6, "--json")
                                .ok();
                    });
            assertThat(offline.get(0).out()).contains(p3, p2);
            String aliceInbox = nx.cli("alice", "inbox", "--json").ok().out();
            assertThat(aliceInbox).contains(p4, p5, p6);
            JsonNode reply = json(aliceInbox
                    .lines()
                    .filter(l -> l.contains("P6 bob"))
                    .findFirst()
                    .orElseThrow());
            assertThat(reply.path("reply_to").asText()).isEqualTo(p1Ref);
            assertThat(reply.path("sender").asText()).isEqualTo(bob);
            nx.assertNoPlaintextOnServer(plaintexts);

            // --- alice revokes P2; bob's history shows it revoked, never its text ---
            String p2Ref = inChannelRef(nx, "alice", p2);
            nx.cli("alice", "revoke", general, p2Ref).ok();
            assertThat(nx.cli("bob", "inbox", "--json").ok().out())
                    .contains("\"type\":\"revoked\"", "\"ref\":\"" + p2Ref + "\"");
            String bobHistory = nx.cli("bob", "history", general).ok().out();
            assertThat(bobHistory).contains("[" + p2Ref + "]", "[revoked]", p4).doesNotContain(p2);
            // Senders by the display names the community lists (bob's inbox fetched them); ids on request.
            assertThat(bobHistory).contains("] alice: ").doesNotContain(alice);
            assertThat(nx.cli("bob", "history", general, "--ids").ok().out()).contains("] " + alice + ": ");
            assertThat(nx.cli("alice", "history", "@bob").ok().out())
                    .as("a direct conversation by name")
                    .contains("P6 bob");
            assertThat(nx.cli("bob", "members", "alice").ok().out())
                    .contains("alice", "admin", alice)
                    .doesNotContain(bob);
            assertThat(nx.cli("bob", "channels", "members", general).err()).contains("public", "no member list");
            nx.assertNoPlaintextOnServer(plaintexts);

            // --- alice bans carol; carol cannot read what is written after ---
            nx.cli("alice", "admin", "members", "ban", carol, "--server", nx.url())
                    .ok();
            String p7 = secret("P7 after carol's ban " + nonce());
            nx.cli("alice", "send", general, p7).ok();
            CliFixture.Result banned = nx.cli("carol", "inbox", "--json");
            assertThat(banned.exit()).isEqualTo(1);
            assertThat(banned.err()).contains("sign_in_refused");
            assertThat(banned.out()).doesNotContain(p7);
            assertThat(nx.cli("carol", "history", general).ok().out())
                    .contains(p4)
                    .doesNotContain(p7);
            nx.assertNoPlaintextOnServer(plaintexts);

            // --- a second device of alice, linked from the first, receives everything from then on ---
            String request = nx.cli("alice2", "device", "link", "request").ok().lines().stream()
                    .filter(l -> l.startsWith("NXLINK1:"))
                    .findFirst()
                    .orElseThrow();
            String certificate = nx.cli("alice", "device", "link", "approve", request).ok().lines().stream()
                    .filter(l -> l.startsWith("NXLCERT1:"))
                    .findFirst()
                    .orElseThrow();
            String finished = nx.cli("alice2", "device", "link", "finish", certificate)
                    .ok()
                    .out();
            assertThat(finished).contains(alice);
            String secondDevice = finished.lines()
                    .filter(l -> l.startsWith("Device:"))
                    .findFirst()
                    .orElseThrow()
                    .substring("Device:".length())
                    .strip();
            assertThat(nx.cli("alice2", "community", "join", nx.url()).ok().out())
                    .contains(alice);
            String p8 = secret("P8 bob to both of alice's devices " + nonce());
            String p9 = secret("P9 bob in the channel after the link " + nonce());
            String p10 = secret("P10 alice's first device to bob " + nonce());
            parallel(
                    () -> {
                        nx.cli("bob", "send", alice, p8).ok();
                        return nx.cli("bob", "send", general, p9).ok();
                    },
                    () -> nx.cli("alice", "send", bob, p10).ok());
            List<CliFixture.Result> devices = parallel(
                    () -> nx.cli("alice2", "inbox", "--json").ok(),
                    () -> nx.cli("alice", "inbox", "--json").ok());
            assertThat(devices.get(0).out()).contains(p8, p9, p10);
            assertThat(devices.get(1).out()).contains(p8, p9);
            assertThat(nx.cli("alice", "device", "list").ok().out())
                    .contains("(this device)")
                    .hasLineCount(2)
                    .containsPattern("(?m)^  1  cli ");
            nx.assertNoPlaintextOnServer(plaintexts);

            // --- bob's inbox --follow keeps running across a server restart ---
            String p11 = secret("P11 after the server restarted " + nonce());
            try (CliFixture.Running bobInbox = nx.start("bob", "inbox", "--follow", "--json")) {
                bobInbox.awaitErr(l -> l.contains("connected"), "bob's inbox connected");
                bobInbox.awaitOut(l -> l.contains("P10 alice"), "P10 at bob");
                assertThat(bobInbox.out).anyMatch(l -> l.contains(p7));
                nx.stopServer();
                bobInbox.awaitErr(l -> l.contains("connection lost"), "bob's inbox saw the server go");
                CliFixture.Result unreachable = nx.cli("alice", "send", bob, "never sent");
                assertThat(unreachable.exit()).isEqualTo(1);
                assertThat(unreachable.err().lines().filter(l -> l.startsWith("error:")))
                        .singleElement()
                        .asString()
                        .contains("cannot reach");
                nx.startServer(serverEnv);
                nx.cli("alice", "send", bob, p11).ok();
                bobInbox.awaitOut(l -> l.contains(p11), "P11 at bob after the restart");
                assertThat(bobInbox.process.isAlive()).isTrue();
            }
            nx.assertNoPlaintextOnServer(plaintexts);

            // --- the interactive chat under tmux ---
            String p12 = secret("P12 bob into alice's open chat " + nonce());
            String p13 = secret("P13 typed in the chat " + nonce());
            try (Tmux tmux = new Tmux("nexuslink-it-" + nx.port)) {
                tmux.start(
                        nx.java + " --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -jar "
                                + nx.jar + " chat dm:" + bob + " --profile " + nx.profile("alice"),
                        Map.of("NEXUSLINK_PASSPHRASE", CliFixture.PASSPHRASE));
                tmux.await(screen -> screen.contains("Chat in @bob"), "the chat open, named by bob's display name");
                tmux.await(screen -> screen.contains(p10), "the history in the chat");
                nx.cli("bob", "send", alice, p12).ok();
                tmux.await(screen -> screen.contains(p12), "bob's message in alice's chat");
                tmux.type(p13);
                tmux.await(screen -> screen.contains("me: " + p13), "alice's typed message sent");
                tmux.type("/quit");
                tmux.awaitExit();
            }
            // --- the linked device cannot remove the one holding the identity key ---
            CliFixture.Result refused = nx.cli("alice2", "device", "remove", "1");
            assertThat(refused.exit()).isEqualTo(1);
            assertThat(refused.err())
                    .contains("error:", "linked device", "only itself")
                    .doesNotContain("Exception");
            assertThat(nx.cli("alice", "device", "list").ok().out()).hasLineCount(2);

            // --- bob gets what was typed in the chat; alice removes her second device, which is then shut out ---
            List<CliFixture.Result> last = parallel(
                    () -> nx.cli("bob", "inbox", "--json").ok(),
                    () -> nx.cli("alice", "device", "remove", secondDevice).ok());
            assertThat(last.get(0).out()).contains(p13);
            assertThat(last.get(1).out()).contains("removed device " + secondDevice);
            CliFixture.Result removed = nx.cli("alice2", "inbox");
            assertThat(removed.exit()).isEqualTo(1);
            assertThat(removed.err()).contains("error:").doesNotContain("Exception");
            nx.assertNoPlaintextOnServer(plaintexts);
        }
    }

    /** The ref of a message a profile has in #general, found by its text in the history. */
    private static String inChannelRef(CliFixture nx, String profile, String text) throws Exception {
        for (String line : nx.cli(profile, "history", "#general", "--json").ok().lines()) {
            JsonNode m = json(line);
            if (m.path("text").asText().equals(text)) {
                return m.path("ref").asText();
            }
        }
        throw new AssertionError("no message '" + text + "' in " + profile + "'s #general");
    }

    private static String nonce() {
        return Long.toHexString(new SecureRandom().nextLong());
    }

    private static JsonNode json(String line) throws Exception {
        return JSON.readTree(line);
    }

    private static String accountId(CliFixture.Result result) {
        return result.lines().stream()
                .filter(l -> l.startsWith("Account id:"))
                .findFirst()
                .orElseThrow()
                .substring("Account id:".length())
                .strip();
    }

    @SafeVarargs
    private static <T> List<T> parallel(Callable<T>... tasks) throws Exception {
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (Callable<T> task : tasks) {
                futures.add(pool.submit(task));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get(5, TimeUnit.MINUTES));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
