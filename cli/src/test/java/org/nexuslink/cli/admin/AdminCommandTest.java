// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nexuslink.cli.Main;
import org.nexuslink.crypto.challenge.ServerChallenge;
import org.nexuslink.crypto.identity.AccountIdentity;
import org.nexuslink.crypto.identity.DeviceId;
import org.nexuslink.crypto.identity.DeviceKeyPair;
import org.nexuslink.crypto.keystore.FileKeyVault;
import org.nexuslink.crypto.keystore.KdfParameters;
import org.nexuslink.crypto.keystore.Passphrase;
import org.nexuslink.crypto.keystore.VaultContents;
import org.nexuslink.server.NexusLinkServer;
import org.nexuslink.server.config.ConfigLoader;
import picocli.CommandLine;

/**
 * {@code nexuslink admin} against a real server on SQLite: through the API with an identity from a
 * profile, and locally on the server's database.
 */
class AdminCommandTest {
    private static final KdfParameters FAST = new KdfParameters(256, 1, 1);
    private static final String PASSPHRASE = "correct horse battery";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** Output and exit code of one run. */
    record Run(int exit, String out, String err) {}

    /** An account with a profile keystore holding its identity and device 1. */
    record Identity(String id, Path profile, VaultContents contents) {}

    private Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd =
                new CommandLine(new AdminCommand(Map.of(AdminCommand.PASSPHRASE_ENV, PASSPHRASE), Clock.systemUTC()));
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int exit = cmd.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private Identity identity(String name) throws Exception {
        AccountIdentity account = AccountIdentity.generate();
        DeviceKeyPair device = DeviceKeyPair.generate();
        VaultContents contents = new VaultContents(
                account.accountId(),
                Optional.of(account),
                Optional.empty(),
                device,
                account.certify(DeviceId.PRIMARY, device.publicKey(), Instant.now(), Optional.empty()));
        Path profile = dir.resolve("profiles").resolve(name);
        try (Passphrase passphrase = Passphrase.of(PASSPHRASE.toCharArray())) {
            FileKeyVault.inProfile(profile, passphrase, FAST, new SecureRandom())
                    .create(contents);
        }
        return new Identity(account.accountId().toString(), profile, contents);
    }

    private NexusLinkServer start(Path data, Identity admin) {
        return NexusLinkServer.start(
                ConfigLoader.load(
                        null,
                        Map.of(
                                "NEXUSLINK_SERVER_DATA_DIR",
                                data.toString(),
                                "NEXUSLINK_SERVER_PORT",
                                "0",
                                "NEXUSLINK_SERVER_BIND_ADDRESS",
                                "127.0.0.1",
                                "NEXUSLINK_COMMUNITY_ADMIN_UUID",
                                admin.id()),
                        Map.of()),
                Clock.systemUTC());
    }

    private static JsonNode post(URI server, String path, JsonNode body) throws Exception {
        HttpResponse<byte[]> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(server.resolve(path))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)))
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray());
        return JSON.readTree(response.body());
    }

    /** Joins the community as a client would: challenge, device signature, join. */
    private static void join(URI server, Identity who) throws Exception {
        join(server, who, Optional.empty());
    }

    private static void join(URI server, Identity who, Optional<String> displayName) throws Exception {
        JsonNode challenge = post(
                server,
                "/api/v1/auth/challenge",
                JSON.createObjectNode().put("account_id", who.id()).put("device_id", 1));
        byte[] encoded = Base64.getDecoder().decode(challenge.get("challenge").asText());
        ObjectNode join = JSON.createObjectNode()
                .put("account_id", who.id())
                .put(
                        "identity_key",
                        Base64.getEncoder()
                                .encodeToString(who.contents().accountId().publicKeyBytes()))
                .put(
                        "device_certificate",
                        Base64.getEncoder()
                                .encodeToString(who.contents().certificate().encoded()))
                .put("challenge", Base64.getEncoder().encodeToString(encoded))
                .put(
                        "signature",
                        Base64.getEncoder()
                                .encodeToString(ServerChallenge.decode(encoded)
                                        .sign(who.contents().deviceKey())));
        displayName.ifPresent(name -> join.put("display_name", name));
        JsonNode joined = post(server, "/api/v1/members/join", join);
        assertThat(joined.has("token")).as(joined.toString()).isTrue();
    }

    private static String[] args(String... parts) {
        return parts;
    }

    private static String help(String... args) {
        StringWriter out = new StringWriter();
        CommandLine main = Main.commandLine();
        main.setOut(new PrintWriter(out, true));
        assertThat(main.execute(args)).isZero();
        return out.toString();
    }

    @Test
    void help_lists_only_the_working_commands() {
        assertThat(help("--help")).contains("admin");
        assertThat(help("admin", "--help")).contains("members", "channels", "audit");
        assertThat(help("admin", "members", "--help"))
                .contains("list", "role", "ban", "unban", "mute", "unmute", "kick");
        assertThat(help("admin", "channels", "--help"))
                .contains("list", "create", "archive")
                .doesNotContain("delete");
        assertThat(help("admin", "members", "ban", "--help"))
                .contains("--server", "--local", "--data-dir", "--profile");
    }

    @Test
    void a_display_name_with_escape_sequences_is_printed_escaped() throws Exception {
        Identity admin = identity("admin");
        Identity mallory = identity("mallory");
        // Sets the window title, clears the screen, then reverses the rest of the line.
        String hostile = "\u001b]0;pwned\u0007\u001b[2Jmallory\u202e\r\n" + admin.id() + " admin";
        try (NexusLinkServer server = start(dir.resolve("data"), admin)) {
            URI url = URI.create("http://127.0.0.1:" + server.port());
            join(url, admin);
            join(url, mallory, Optional.of(hostile));

            Run list = run(
                    "members",
                    "list",
                    "--server",
                    url.toString(),
                    "--profile",
                    admin.profile().toString());

            assertThat(list.exit()).as(list.err()).isZero();
            assertThat(list.out()).contains("\\e]0;pwned\\x07\\e[2Jmallory\\u202e\\r\\n" + admin.id() + " admin");
            assertThat(list.out()).doesNotContain("\u001b", "\u0007", "\u202e", "\r");
            assertThat(list.out().lines())
                    .as("one line per member, none forged")
                    .hasSize(2);
        }
    }

    @Test
    void an_admin_manages_a_running_server_through_its_api() throws Exception {
        Identity admin = identity("admin");
        Identity member = identity("member");
        try (NexusLinkServer server = start(dir.resolve("data"), admin)) {
            URI url = URI.create("http://127.0.0.1:" + server.port());
            join(url, admin);
            join(url, member);
            String[] as = args(
                    "--server", url.toString(), "--profile", admin.profile().toString());
            List<Run> runs = new ArrayList<>();

            Run list = run(concat(args("members", "list"), as));
            Run role = run(concat(args("members", "role", member.id(), "moderator"), as));
            Run created = run(concat(args("channels", "create", "news", "--type", "announcement"), as));
            String channelId = created.out().trim().split("\\s+")[0];
            Run archived = run(concat(args("channels", "archive", channelId), as));
            Run channels = run(concat(args("channels", "list"), as));
            Run muted = run(concat(args("members", "mute", member.id(), "--for", "PT10M", "--reason", "calm"), as));
            Run banned = run(concat(args("members", "ban", member.id(), "--reason", "spam"), as));
            Run audit = run(concat(args("audit", "--limit", "10"), as));
            Run lastAdmin = run(concat(args("members", "role", admin.id(), "member"), as));
            runs.addAll(List.of(list, role, created, archived, channels, muted, banned, audit));

            assertThat(runs).allSatisfy(r -> assertThat(r.exit()).as(r.err()).isZero());
            assertThat(list.out()).contains(admin.id(), member.id(), "admin", "member");
            assertThat(role.out()).contains(member.id(), "moderator");
            assertThat(created.out()).contains("announcement", "news", "active");
            assertThat(archived.out()).contains(channelId, "archived");
            assertThat(channels.out()).contains(channelId, "archived", "news");
            assertThat(muted.out()).contains("muted " + member.id() + " everywhere until ");
            assertThat(banned.out()).contains(member.id(), "banned");
            assertThat(audit.out())
                    .contains("ban", "mute", "channel_archive", "channel_create", "role_change", admin.id());
            assertThat(lastAdmin.exit()).isEqualTo(1);
            assertThat(lastAdmin.err()).contains("last_admin");
        }
    }

    @Test
    void a_member_identity_is_refused_with_the_reason() throws Exception {
        Identity admin = identity("admin");
        Identity member = identity("member");
        try (NexusLinkServer server = start(dir.resolve("data"), admin)) {
            URI url = URI.create("http://127.0.0.1:" + server.port());
            join(url, admin);
            join(url, member);

            Run refused = run(
                    "channels",
                    "create",
                    "mine",
                    "--server",
                    url.toString(),
                    "--profile",
                    member.profile().toString());
            Run noProfile = run(
                    "members",
                    "list",
                    "--server",
                    url.toString(),
                    "--profile",
                    dir.resolve("nobody").toString());

            assertThat(refused.exit()).isEqualTo(1);
            assertThat(refused.err()).contains("forbidden", "role:");
            assertThat(noProfile.exit()).isEqualTo(1);
            assertThat(noProfile.err()).contains("no identity in profile");
            Run channels = run(
                    "channels",
                    "list",
                    "--server",
                    url.toString(),
                    "--profile",
                    admin.profile().toString());
            assertThat(channels.out()).doesNotContain("mine");
        }
    }

    @Test
    void local_mode_recovers_a_community_whose_admin_cannot_log_in() throws Exception {
        Identity admin = identity("admin");
        Identity member = identity("member");
        Path data = dir.resolve("data");
        try (NexusLinkServer server = start(data, admin)) {
            URI url = URI.create("http://127.0.0.1:" + server.port());
            join(url, admin);
            join(url, member);
        }
        String[] local = args("--local", "--data-dir", data.toString());

        Run banAdmin = run(concat(args("members", "ban", admin.id()), local));
        Run promote = run(concat(args("members", "role", member.id(), "admin"), local));
        Run ban = run(concat(args("members", "ban", admin.id(), "--reason", "keys stolen"), local));
        Run list = run(concat(args("members", "list"), local));
        Run unban = run(concat(args("members", "unban", admin.id()), local));
        Run created = run(concat(args("channels", "create", "recovery", "--private"), local));
        Run audit = run(concat(args("audit", "--actor", "console"), local));

        assertThat(banAdmin.exit()).isEqualTo(1);
        assertThat(banAdmin.err()).contains("last_admin");
        for (Run r : List.of(promote, ban, list, unban, created, audit)) {
            assertThat(r.exit()).as(r.err()).isZero();
        }
        assertThat(list.out()).containsPattern(admin.id() + "\\s+admin\\s+banned");
        assertThat(list.out()).containsPattern(member.id() + "\\s+admin\\s+active");
        assertThat(unban.out()).containsPattern(admin.id() + "\\s+admin\\s+active");
        assertThat(created.out()).contains("private", "recovery");
        assertThat(audit.out()).contains("console", "role_change", "ban", "unban", "channel_create", "keys stolen");
        assertThat(run("members", "list", "--data-dir", data.toString()).exit()).isEqualTo(2);
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = new String[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
