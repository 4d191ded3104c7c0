// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nexuslink.cli.Main;
import org.nexuslink.client.Conversation;
import org.nexuslink.client.ConversationSummary;
import org.nexuslink.client.Member;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.crypto.identity.AccountIdentity;
import org.nexuslink.crypto.identity.DeviceCertificate;
import org.nexuslink.crypto.identity.DeviceId;
import org.nexuslink.crypto.identity.DeviceKeyPair;
import org.nexuslink.crypto.identity.LinkRequest;
import org.nexuslink.crypto.keystore.FileKeyVault;
import org.nexuslink.crypto.keystore.KdfParameters;
import org.nexuslink.crypto.keystore.Passphrase;
import org.nexuslink.crypto.keystore.VaultContents;
import org.nexuslink.crypto.verification.SafetyNumber;
import org.nexuslink.protocol.api.ApiJson;
import org.nexuslink.protocol.api.ChannelsApi;
import picocli.CommandLine;

/**
 * The client commands at the picocli level, without a server: argument forms and their errors,
 * refusals that must change nothing (no identity, no community, wrong passphrase, a busy
 * profile), the wipe's safety checks, the offline half of device linking, contact verification.
 */
class ClientCommandsTest {
    static final KdfParameters FAST = new KdfParameters(256, 1, 1);
    static final String PASSPHRASE = "correct horse battery";
    static final Map<String, String> ENV = Map.of(ClientEnvironment.PASSPHRASE_ENV, PASSPHRASE);

    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {}

    Run run(Map<String, String> env, String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = Main.commandLine(ClientEnvironment.of(
                env, Clock.systemUTC(), FAST, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8))));
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int exit = cmd.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    Run run(String... args) {
        return run(ENV, "", args);
    }

    Path profile() {
        return dir.resolve("profile");
    }

    AccountIdentity createIdentity(Path profile) throws Exception {
        AccountIdentity identity = AccountIdentity.generate();
        DeviceKeyPair device = DeviceKeyPair.generate();
        DeviceCertificate certificate =
                identity.certify(DeviceId.PRIMARY, device.publicKey(), Instant.now(), Optional.empty());
        Files.createDirectories(profile);
        try (Passphrase p = Passphrase.of(PASSPHRASE.toCharArray())) {
            FileKeyVault.inProfile(profile, p, FAST, new SecureRandom())
                    .create(new VaultContents(
                            identity.accountId(), Optional.of(identity), Optional.empty(), device, certificate));
        }
        return identity;
    }

    Set<String> files(Path profile) throws IOException {
        try (Stream<Path> s = Files.list(profile)) {
            return s.map(p -> p.getFileName().toString()).collect(java.util.stream.Collectors.toSet());
        }
    }

    // ---- conversation arguments ----

    @Test
    void conversation_arguments_take_four_forms() {
        AccountIdentity someone = AccountIdentity.generate();
        String id = someone.accountId().toString();
        UUID channel = UUID.randomUUID();

        assertThat(ConversationArg.parse("dm:" + id)).isEqualTo(new ConversationArg.Direct(someone.accountId()));
        assertThat(ConversationArg.parse(id)).isEqualTo(new ConversationArg.Direct(someone.accountId()));
        assertThat(ConversationArg.parse("ch:" + channel)).isEqualTo(new ConversationArg.Channel(channel));
        assertThat(ConversationArg.parse("#general")).isEqualTo(new ConversationArg.ChannelName("general"));
        assertThat(ConversationArg.parse("@bob")).isEqualTo(new ConversationArg.MemberName("bob"));
        assertThat(ConversationArg.parse(id).known()).contains(Conversation.direct(someone.accountId()));
        assertThat(ConversationArg.parse("ch:" + channel).known())
                .map(Conversation::id)
                .contains("ch:" + channel);
        assertThat(ConversationArg.parse("#general").known()).isEmpty();
    }

    @Test
    void malformed_conversation_arguments_name_the_value_and_the_forms() {
        assertThatThrownBy(() -> ConversationArg.parse("bob"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'bob'")
                .hasMessageContaining("#channel-name");
        assertThatThrownBy(() -> ConversationArg.parse("nxl:abc"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a valid account id");
        assertThatThrownBy(() -> ConversationArg.parse("ch:not-a-uuid"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ch:<channel uuid>");
        assertThatThrownBy(() -> ConversationArg.parse("#")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void a_channel_name_resolves_locally_first_then_from_the_server_list() throws Exception {
        UUID local = UUID.randomUUID();
        UUID remote = UUID.randomUUID();
        List<ConversationSummary> known =
                List.of(new ConversationSummary(Conversation.parse("ch:" + local), "general", Instant.now()));
        var serverList = ApiJson.tolerant()
                .readValue(
                        "{\"channels\":[{\"id\":\"" + remote + "\",\"name\":\"random\"}]}",
                        ChannelsApi.ChannelList.class);
        int[] asked = {0};
        ConversationArg.ServerChannels server = () -> {
            asked[0]++;
            return serverList;
        };

        assertThat(new ConversationArg.ChannelName("general")
                        .resolve(known, server, NO_MEMBERS)
                        .id())
                .isEqualTo("ch:" + local);
        assertThat(asked[0]).isZero();
        assertThat(new ConversationArg.ChannelName("random")
                        .resolve(known, server, NO_MEMBERS)
                        .id())
                .isEqualTo("ch:" + remote);
        assertThatThrownBy(() -> new ConversationArg.ChannelName("nope").resolve(known, server, NO_MEMBERS))
                .isInstanceOf(ClientFailure.class)
                .hasMessageContaining("#nope")
                .hasMessageContaining("#random");
    }

    /** Members nobody may ask for. */
    private static final ConversationArg.ServerMembers NO_MEMBERS = new ConversationArg.ServerMembers() {
        @Override
        public Map<AccountId, String> kept() {
            throw new AssertionError("members asked for a channel");
        }

        @Override
        public List<Member> fetch() {
            throw new AssertionError("members asked for a channel");
        }
    };

    @Test
    void a_member_name_resolves_from_the_kept_names_first_then_from_the_member_list() {
        AccountId alice = AccountIdentity.generate().accountId();
        AccountId bob = AccountIdentity.generate().accountId();
        AccountId otherBob = AccountIdentity.generate().accountId();
        int[] asked = {0};
        ConversationArg.ServerChannels noChannels = () -> {
            throw new AssertionError("channels asked for a member");
        };
        ConversationArg.ServerMembers members = new ConversationArg.ServerMembers() {
            @Override
            public Map<AccountId, String> kept() {
                return Map.of(alice, "alice");
            }

            @Override
            public List<Member> fetch() {
                asked[0]++;
                return List.of(
                        new Member(alice, Optional.of("alice"), "admin"),
                        new Member(bob, Optional.of("bob"), "member"),
                        new Member(otherBob, Optional.of("bob"), "member"),
                        new Member(AccountIdentity.generate().accountId(), Optional.empty(), "member"));
            }
        };

        assertThat(new ConversationArg.MemberName("alice").resolve(List.of(), noChannels, members))
                .isEqualTo(Conversation.direct(alice));
        assertThat(asked[0]).as("a kept name needs no request").isZero();
        assertThatThrownBy(() -> new ConversationArg.MemberName("bob").resolve(List.of(), noChannels, members))
                .isInstanceOf(ClientFailure.class)
                .hasMessageContaining("2 members go by the name bob")
                .hasMessageContaining(bob.toString())
                .hasMessageContaining(otherBob.toString());
        assertThatThrownBy(() -> new ConversationArg.MemberName("carol").resolve(List.of(), noChannels, members))
                .isInstanceOf(ClientFailure.class)
                .hasMessageContaining("no member goes by the name carol");
    }

    @Test
    void refs_are_accepted_with_brackets_or_a_hash() {
        assertThat(SendCommand.cleanRef(" [12] ")).isEqualTo("12");
        assertThat(SendCommand.cleanRef("#12")).isEqualTo("12");
        assertThat(SendCommand.cleanRef("ab01")).isEqualTo("ab01");
    }

    @Test
    void message_text_cannot_drive_the_terminal() {
        assertThat(MessageView.body(new org.nexuslink.client.store.StoredMessage(
                        "ch:x",
                        "1",
                        "nxl:a",
                        1,
                        org.nexuslink.client.store.Direction.IN,
                        1,
                        java.time.Instant.EPOCH,
                        java.time.Instant.EPOCH,
                        "hi\u001b[2J\nthere\u202e",
                        Optional.empty(),
                        Optional.empty(),
                        false)))
                .isEqualTo("hi\\e[2J\\nthere\\u202e");
    }

    // ---- refusals that change nothing ----

    @Test
    void a_malformed_conversation_is_a_usage_error() throws Exception {
        createIdentity(profile());

        Run r = run("send", "bob", "hello", "--profile", profile().toString());

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("'bob' is not a conversation");
        assertThat(files(profile())).containsExactly(FileKeyVault.FILE_NAME);
    }

    @Test
    void sending_without_an_identity_fails_in_one_line() {
        Run r = run("send", "#general", "hello", "--profile", profile().toString());

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().lines()).hasSize(1).first().asString().startsWith("error: no identity in profile");
        assertThat(profile()).doesNotExist();
    }

    @Test
    void sending_before_joining_a_community_fails_and_changes_nothing() throws Exception {
        createIdentity(profile());

        Run r = run("send", "#general", "hello", "--profile", profile().toString());

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err())
                .isEqualTo("error: this profile has not joined a community; run `nexuslink community join <url>`"
                        + System.lineSeparator());
        assertThat(files(profile())).containsExactly(FileKeyVault.FILE_NAME);
    }

    @Test
    void a_wrong_passphrase_fails_and_changes_nothing() throws Exception {
        createIdentity(profile());
        byte[] before = Files.readAllBytes(profile().resolve(FileKeyVault.FILE_NAME));

        Run r = run(
                Map.of(ClientEnvironment.PASSPHRASE_ENV, "wrong"),
                "",
                "contacts",
                "--profile",
                profile().toString());

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).startsWith("error: wrong passphrase");
        assertThat(r.err().lines()).hasSize(1);
        assertThat(Files.readAllBytes(profile().resolve(FileKeyVault.FILE_NAME)))
                .isEqualTo(before);
        assertThat(files(profile())).doesNotContain("messages.db");
    }

    @Test
    void no_passphrase_and_no_terminal_is_a_clear_error() throws Exception {
        createIdentity(profile());

        Run r = run(Map.of(), "", "contacts", "--profile", profile().toString());

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("set NEXUSLINK_PASSPHRASE");
    }

    @Test
    void a_profile_in_use_by_another_command_is_refused() throws Exception {
        createIdentity(profile());
        try (ProfileLock held = ProfileLock.acquire(profile())) {
            Run r = run("contacts", "--profile", profile().toString());

            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.err())
                    .contains("is in use by another nexuslink command")
                    .contains("Nothing was changed");
        }
        assertThat(files(profile())).doesNotContain("messages.db");
    }

    @Test
    void history_of_an_unknown_conversation_says_so() throws Exception {
        createIdentity(profile());
        String stranger = AccountIdentity.generate().accountId().toString();

        Run r = run("history", stranger, "--profile", profile().toString());

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("no conversation dm:" + stranger);
    }

    @Test
    void history_limit_out_of_range_is_a_usage_error() throws Exception {
        Run r = run(
                "history", "#general", "--limit", "0", "--profile", profile().toString());

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--limit must be 1-10000");
    }

    @Test
    void send_needs_a_text_or_a_file_but_not_both() throws Exception {
        createIdentity(profile());
        Path file = Files.writeString(dir.resolve("f.txt"), "x");

        assertThat(run("send", "#general", "--profile", profile().toString()).exit())
                .isEqualTo(2);
        assertThat(run(
                                "send",
                                "#general",
                                "t",
                                "--file",
                                file.toString(),
                                "--profile",
                                profile().toString())
                        .exit())
                .isEqualTo(2);
    }

    // ---- contacts ----

    @Test
    void contacts_verify_shows_the_safety_number_and_confirm_marks_the_contact() throws Exception {
        AccountIdentity me = createIdentity(profile());
        AccountIdentity them = AccountIdentity.generate();

        Run shown = run(
                "contacts",
                "verify",
                them.accountId().toString(),
                "--code",
                "--profile",
                profile().toString());
        assertThat(shown.exit()).as(shown.err()).isZero();
        assertThat(shown.out())
                .contains(SafetyNumber.between(me.accountId(), them.accountId()).displayText())
                .contains("First-contact code:", "not verified");

        Run confirmed = run(
                "contacts",
                "verify",
                them.accountId().toString(),
                "--confirm",
                "--nickname",
                "Bo",
                "--profile",
                profile().toString());
        assertThat(confirmed.exit()).as(confirmed.err()).isZero();
        Run listed = run("contacts", "--json", "--profile", profile().toString());
        assertThat(listed.out())
                .contains("\"account\":\"" + them.accountId() + "\"", "\"verified\":true", "\"nickname\":\"Bo\"");
    }

    @Test
    void contacts_verify_refuses_the_profile_s_own_id() throws Exception {
        AccountIdentity me = createIdentity(profile());

        Run r = run(
                "contacts",
                "verify",
                me.accountId().toString(),
                "--profile",
                profile().toString());

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("own id");
    }

    // ---- device linking, the offline half ----

    @Test
    void a_linked_device_gets_its_keystore_from_the_request_and_the_certificate() throws Exception {
        Path newDevice = dir.resolve("new-device");
        Run request = run("device", "link", "request", "--profile", newDevice.toString());
        assertThat(request.exit()).as(request.err()).isZero();
        String code = request.out()
                .lines()
                .filter(l -> l.startsWith(LinkRequest.PREFIX))
                .findFirst()
                .orElseThrow();
        assertThat(files(newDevice)).contains(DeviceLinkCommand.PENDING_FILE).doesNotContain(FileKeyVault.FILE_NAME);

        // What `device link approve` does on the other device, minus the server.
        AccountIdentity account = AccountIdentity.generate();
        DeviceCertificate certificate = account.approveLink(
                LinkRequest.parse(code), Clock.systemUTC(), Set.of(DeviceId.PRIMARY), Optional.empty());
        Run finish = run(
                "device",
                "link",
                "finish",
                DeviceLinkCommand.certificateCode(certificate),
                "--profile",
                newDevice.toString());

        assertThat(finish.exit()).as(finish.err()).isZero();
        assertThat(finish.out()).contains(account.accountId().toString());
        assertThat(files(newDevice)).contains(FileKeyVault.FILE_NAME).doesNotContain(DeviceLinkCommand.PENDING_FILE);
        try (Passphrase p = Passphrase.of(PASSPHRASE.toCharArray())) {
            VaultContents keys = FileKeyVault.inProfile(newDevice, p, FAST, new SecureRandom())
                    .load();
            assertThat(keys.accountId()).isEqualTo(account.accountId());
            assertThat(keys.identity()).isEmpty();
            assertThat(keys.certificate()).isEqualTo(certificate);
        }
    }

    @Test
    void finishing_with_a_certificate_for_another_key_changes_nothing() throws Exception {
        Path newDevice = dir.resolve("new-device");
        assertThat(run("device", "link", "request", "--profile", newDevice.toString())
                        .exit())
                .isZero();
        AccountIdentity account = AccountIdentity.generate();
        DeviceCertificate other =
                account.certify(new DeviceId(9), DeviceKeyPair.generate().publicKey(), Instant.now(), Optional.empty());

        Run r = run(
                "device",
                "link",
                "finish",
                DeviceLinkCommand.certificateCode(other),
                "--profile",
                newDevice.toString());

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("another device");
        assertThat(files(newDevice)).contains(DeviceLinkCommand.PENDING_FILE).doesNotContain(FileKeyVault.FILE_NAME);
    }

    @Test
    void a_tampered_certificate_code_is_refused() throws Exception {
        Path newDevice = dir.resolve("new-device");
        assertThat(run("device", "link", "request", "--profile", newDevice.toString())
                        .exit())
                .isZero();

        Run r = run("device", "link", "finish", "NXLCERT1:AAAA", "--profile", newDevice.toString());

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("certificate code is not valid");
    }

    @Test
    void a_link_request_is_refused_in_a_profile_that_has_an_identity() throws Exception {
        createIdentity(profile());

        Run r = run("device", "link", "request", "--profile", profile().toString());

        assertThat(r.exit()).isEqualTo(1);
        assertThat(files(profile())).containsExactly(FileKeyVault.FILE_NAME);
    }

    @Test
    void a_malformed_link_code_is_a_usage_error() throws Exception {
        createIdentity(profile());

        Run r = run(
                "device",
                "link",
                "approve",
                "NXLINK1:NOTACODE",
                "--profile",
                profile().toString());

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("not a NexusLink link code");
    }

    // ---- wipe ----

    @Test
    void wipe_refuses_a_directory_that_is_not_a_profile() throws Exception {
        Path precious = Files.createDirectories(dir.resolve("home"));
        Files.writeString(precious.resolve("thesis.txt"), "years of work");

        Run r = run("wipe", "--yes", "--profile", precious.toString());

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("does not look like a NexusLink profile");
        assertThat(precious.resolve("thesis.txt")).hasContent("years of work");
    }

    @Test
    void wipe_without_the_typed_confirmation_destroys_nothing() throws Exception {
        createIdentity(profile());

        Run r = run(ENV, "yes\n", "wipe", "--profile", profile().toString());

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("not confirmed");
        assertThat(files(profile())).containsExactly(FileKeyVault.FILE_NAME);
    }

    @Test
    void wipe_with_the_confirmation_destroys_the_profile_and_reports_it() throws Exception {
        createIdentity(profile());
        Files.writeString(profile().resolve("messages.db"), "sealed rows");

        Run r = run(Map.of(), "WIPE\n", "wipe", "--profile", profile().toString());

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("Wiped", "2 files", "destroyed identity.keystore", "destroyed messages.db");
        assertThat(profile()).doesNotExist();
    }

    // ---- help ----

    @Test
    void help_lists_the_client_commands() {
        Run r = run("--help");

        assertThat(r.out())
                .contains(
                        "community",
                        "send",
                        "inbox",
                        "history",
                        "revoke",
                        "chat",
                        "channels",
                        "contacts",
                        "device",
                        "wipe");
    }

    @Test
    void every_client_command_has_help() {
        for (String[] command : List.of(
                new String[] {"community", "join"},
                new String[] {"send"},
                new String[] {"inbox"},
                new String[] {"history"},
                new String[] {"revoke"},
                new String[] {"chat"},
                new String[] {"channels"},
                new String[] {"channels", "create"},
                new String[] {"contacts", "verify"},
                new String[] {"device", "list"},
                new String[] {"device", "link", "approve"},
                new String[] {"wipe"})) {
            String[] args =
                    Stream.concat(Stream.of(command), Stream.of("--help")).toArray(String[]::new);
            Run r = run(new HashMap<>(ENV), "", args);
            assertThat(r.exit()).as(String.join(" ", args)).isZero();
            assertThat(r.out()).as(String.join(" ", args)).contains("Usage: nexuslink " + String.join(" ", command));
        }
    }
}
