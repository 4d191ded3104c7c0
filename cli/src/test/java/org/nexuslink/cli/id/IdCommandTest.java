// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.id;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nexuslink.crypto.keystore.FileKeyVault;
import org.nexuslink.crypto.keystore.KdfParameters;
import org.nexuslink.crypto.keystore.Passphrase;
import picocli.CommandLine;

class IdCommandTest {
    static final KdfParameters FAST = new KdfParameters(256, 1, 1);
    static final String ABANDON_12 =
            "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";
    static final String ABANDON_ID = "nxl:djxni2wi6bsqi7j52t254r5qa3f6aufjhzs2u2b76flvhfnrsnwa";
    static final String ZOO_ID = "nxl:hickvy6mubegqpcsmk4hiff7yg5ee2plhgedk62jwr54vdsv5bca";
    static final Map<String, String> ENV = Map.of(Terminal.PASSPHRASE_ENV, "correct horse battery");

    @TempDir
    Path home;

    /** Output and exit code of one run. */
    record Run(int exit, String out, String err) {}

    Run run(Terminal terminal, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = new CommandLine(new IdCommand(terminal, FAST));
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int exit = cmd.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    Run run(String stdin, Map<String, String> env, String... args) {
        return run(
                Terminal.nonInteractive(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), env), args);
    }

    String profile() {
        return home.resolve("profiles/alice").toString();
    }

    /** A console that answers prompts from a script and records them. */
    static final class ScriptedConsole implements Terminal.Interactive {
        final Deque<String> answers;
        final List<String> prompts = new java.util.ArrayList<>();

        ScriptedConsole(String... answers) {
            this.answers = new ArrayDeque<>(List.of(answers));
        }

        @Override
        public char[] readSecret(String prompt) {
            prompts.add("secret:" + prompt);
            return answers.removeFirst().toCharArray();
        }

        @Override
        public String readLine(String prompt) {
            prompts.add("line:" + prompt);
            return answers.removeFirst();
        }
    }

    @Test
    void create_shows_the_words_once_then_the_id_and_show_prints_the_same_id() throws Exception {
        Run created = run("", ENV, "create", "--profile", profile());
        assertThat(created.exit()).isZero();
        assertThat(created.err()).isEmpty();
        Matcher id = Pattern.compile("Account id: (nxl:[a-z2-7]{52})").matcher(created.out());
        assertThat(id.find()).isTrue();
        List<String> words = wordsIn(created.out());
        assertThat(words).hasSize(12);

        Run shown = run("", Map.of(), "show", "--profile", profile());
        assertThat(shown.exit()).isZero();
        assertThat(shown.out())
                .contains("Account id: " + id.group(1))
                .contains("Device:     1")
                .doesNotContain(words.get(0) + " ");

        // The words on screen restore the same account elsewhere.
        Run restored = run(
                String.join(" ", words),
                ENV,
                "restore",
                "--profile",
                home.resolve("other").toString());
        assertThat(restored.out()).contains("Account id: " + id.group(1));
    }

    @Test
    void create_with_24_words() {
        Run created = run("", ENV, "create", "--words", "24", "--profile", profile());
        assertThat(created.exit()).isZero();
        assertThat(wordsIn(created.out())).hasSize(24);
    }

    @Test
    void create_rejects_other_word_counts_as_usage_error() {
        Run r = run("", ENV, "create", "--words", "18", "--profile", profile());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--words must be 12 or 24, got 18");
        assertThat(Files.exists(Path.of(profile()))).isFalse();
    }

    @Test
    void create_refuses_to_overwrite_an_existing_identity() throws Exception {
        assertThat(run("", ENV, "create", "--profile", profile()).exit()).isZero();
        byte[] before = Files.readAllBytes(Path.of(profile(), FileKeyVault.FILE_NAME));
        Run again = run("", ENV, "create", "--profile", profile());
        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.err()).contains("already has an identity").contains("nothing was changed");
        assertThat(Files.readAllBytes(Path.of(profile(), FileKeyVault.FILE_NAME)))
                .isEqualTo(before);
    }

    @Test
    void create_asks_the_passphrase_twice_on_a_terminal_and_never_echoes_it() throws Exception {
        ScriptedConsole console = new ScriptedConsole("s3cret pass", "s3cret pass");
        Run r = run(Terminal.interactive(console, Map.of()), "create", "--profile", profile());
        assertThat(r.exit()).isZero();
        assertThat(console.prompts).containsExactly("secret:Keystore passphrase: ", "secret:Repeat the passphrase: ");
        assertThat(r.out()).doesNotContain("s3cret");
        FileKeyVault.inProfile(
                        Path.of(profile()),
                        Passphrase.of("s3cret pass".toCharArray()),
                        FAST,
                        new java.security.SecureRandom())
                .load();
    }

    @Test
    void create_fails_when_the_two_passphrases_differ() {
        Run r = run(
                Terminal.interactive(new ScriptedConsole("one", "two"), Map.of()), "create", "--profile", profile());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("the two passphrases differ");
        assertThat(Files.exists(Path.of(profile(), FileKeyVault.FILE_NAME))).isFalse();
    }

    @Test
    void create_without_terminal_or_environment_says_how_to_give_the_passphrase() {
        Run r = run("", Map.of(), "create", "--profile", profile());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("set NEXUSLINK_PASSPHRASE");
        assertThat(Files.exists(Path.of(profile(), FileKeyVault.FILE_NAME))).isFalse();
    }

    @Test
    void restore_reads_words_from_standard_input_and_gives_the_known_id() throws Exception {
        Run r = run(ABANDON_12 + "\n", ENV, "restore", "--device-id", "3", "--profile", profile());
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("Account id: " + ABANDON_ID).contains("Device:     3");
        var contents = FileKeyVault.inProfile(
                        Path.of(profile()),
                        Passphrase.of(ENV.get(Terminal.PASSPHRASE_ENV).toCharArray()),
                        FAST,
                        new java.security.SecureRandom())
                .load();
        assertThat(contents.mnemonic().orElseThrow().phrase()).isEqualTo(ABANDON_12);
        assertThat(contents.certificate().deviceId().value()).isEqualTo(3);
    }

    @Test
    void restore_reads_words_from_the_terminal_when_there_is_one() {
        ScriptedConsole console = new ScriptedConsole(ABANDON_12, "pw", "pw");
        Run r = run(Terminal.interactive(console, Map.of()), "restore", "--profile", profile());
        assertThat(r.exit()).isZero();
        assertThat(console.prompts.get(0)).startsWith("line:Recovery words");
        assertThat(r.out()).contains(ABANDON_ID);
    }

    @Test
    void restore_with_a_bad_checksum_fails_clearly_and_writes_nothing() {
        Run r = run(ABANDON_12.replace("about", "abandon"), ENV, "restore", "--profile", profile());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("checksum");
        assertThat(Files.exists(Path.of(profile()))).isFalse();
    }

    @Test
    void restore_with_an_unknown_word_names_its_position() {
        Run r = run(ABANDON_12.replace("about", "aboot"), ENV, "restore", "--profile", profile());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("word 12").doesNotContain("aboot");
    }

    @Test
    void show_without_an_identity_fails_with_a_hint() {
        Run r = run("", Map.of(), "show", "--profile", profile());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("no identity in profile").contains("nexuslink id create");
    }

    @Test
    void verify_code_with_a_nonce_prints_the_known_code_and_safety_number() {
        run(ABANDON_12, ENV, "restore", "--profile", profile());
        Run r = run("", Map.of(), "verify-code", ZOO_ID, "--nonce", "aebagbafaydqqcik", "--profile", profile());
        assertThat(r.exit()).isZero();
        assertThat(r.out())
                .contains("First-contact code: T7NE-MNPB-YTWS")
                .contains("24525 71218 53354 44739 40554 61191 91957 01720 84022 87463 01288 55400")
                .contains("HMAC-SHA256")
                .doesNotContain("This nonce is new");
    }

    @Test
    void verify_code_without_a_nonce_makes_one_and_says_how_to_share_it() {
        run(ABANDON_12, ENV, "restore", "--profile", profile());
        Run r = run("", Map.of(), "verify-code", ZOO_ID, "--profile", profile());
        assertThat(r.exit()).isZero();
        assertThat(r.out())
                .containsPattern("nonce: [a-z2-7]{16}")
                .contains("nexuslink id verify-code " + ABANDON_ID + " --nonce ");
    }

    @Test
    void verify_code_rejects_a_bad_id_as_usage_error() {
        run(ABANDON_12, ENV, "restore", "--profile", profile());
        Run r = run("", Map.of(), "verify-code", "nxl:nope", "--profile", profile());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("an account id has 56 characters");
    }

    @Test
    void help_works_on_every_command() {
        for (String[] args : new String[][] {
            {"--help"}, {"create", "--help"}, {"restore", "--help"}, {"show", "--help"}, {"verify-code", "--help"}
        }) {
            Run r = run("", Map.of(), args);
            assertThat(r.exit()).as(String.join(" ", args)).isZero();
            assertThat(r.out()).contains("Usage:");
        }
        assertThat(run("", Map.of(), "create", "--help").out())
                .contains("--profile=DIR")
                .contains("--words=12|24");
    }

    @Test
    void id_alone_is_a_usage_error() {
        Run r = run("", Map.of());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("Missing sub-command");
    }

    @Test
    void default_constructor_builds_a_working_command() {
        CommandLine cmd = new CommandLine(new IdCommand());
        assertThat(cmd.getSubcommands()).containsOnlyKeys("create", "restore", "show", "verify-code");
        assertThat(cmd.getCommandName()).isEqualTo("id");
    }

    private static List<String> wordsIn(String out) {
        Matcher m = Pattern.compile("\\d+\\. ([a-z]+)").matcher(out);
        List<String> words = new java.util.ArrayList<>();
        while (m.find()) {
            words.add(m.group(1));
        }
        return words;
    }
}
