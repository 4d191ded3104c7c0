// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nexuslink.client.RefusedException;
import org.nexuslink.client.media.AttachmentException.Reason;
import org.nexuslink.protocol.ErrorCode;
import org.nexuslink.server.storage.DatabaseUrl;
import org.nexuslink.server.testing.ByteSearch;
import org.nexuslink.server.testing.MutableClock;
import org.nexuslink.server.testing.SqliteDatabaseExtension;
import org.nexuslink.server.testing.TestAccount;
import org.nexuslink.server.testing.TestServer;

/**
 * Files between two members through a real community server in this JVM (SQLite, so the whole
 * server state is files this test can search): the server keeps only ciphertext.
 */
@ExtendWith(SqliteDatabaseExtension.class)
class AttachmentsServerTest {
    private static final String MARKER = "NEXUSLINK-FILE-PLAINTEXT-MARKER-5d1e7";
    private static final int MAX_FILE_SIZE = 6 << 20;

    private final MutableClock clock = new MutableClock();
    private final SecureRandom random = new SecureRandom();

    @TempDir
    Path dataDir;

    @TempDir
    Path work;

    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private ch.qos.logback.classic.Logger serverLogger;

    @BeforeEach
    void captureEveryServerLogLine() {
        LoggerContext context = (LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory();
        serverLogger = context.getLogger("org.nexuslink");
        logs.setContext(context);
        logs.start();
        serverLogger.addAppender(logs);
        serverLogger.setLevel(Level.DEBUG);
        serverLogger.setAdditive(false);
    }

    @AfterEach
    void restoreLogging() {
        serverLogger.detachAppender(logs);
        serverLogger.setLevel(null);
        serverLogger.setAdditive(true);
    }

    private TestServer start(DatabaseUrl url) {
        return TestServer.start(
                url,
                clock,
                Map.of(
                        "NEXUSLINK_SERVER_DATA_DIR",
                        dataDir.toString(),
                        "NEXUSLINK_MEDIA_MAX_FILE_SIZE",
                        Integer.toString(MAX_FILE_SIZE)));
    }

    private static MediaClient client(TestServer server, String token) {
        return new MediaClient(URI.create("http://127.0.0.1:" + server.port()), () -> token);
    }

    private String member(TestServer server) {
        TestAccount account = new TestAccount(clock);
        return account.join(server, account.device(1));
    }

    /** 5 MiB of random bytes with the marker written every 512 KiB. */
    private Path markedFile(String name) throws IOException {
        byte[] bytes = new byte[5 << 20];
        new Random(42).nextBytes(bytes);
        byte[] marker = MARKER.getBytes(StandardCharsets.US_ASCII);
        for (int at = 0; at + marker.length <= bytes.length; at += 512 << 10) {
            System.arraycopy(marker, 0, bytes, at, marker.length);
        }
        Path dir = Files.createDirectories(work.resolve("alice"));
        return Files.write(dir.resolve(name), bytes);
    }

    /** Every file under the roots whose bytes contain one of the needles, as "file: needle". */
    private static List<String> occurrences(List<Path> roots, Map<String, byte[]> needles) throws IOException {
        List<String> found = new ArrayList<>();
        for (Path root : roots) {
            for (Path file : TestFiles.files(root)) {
                byte[] content = Files.readAllBytes(file);
                needles.forEach((what, needle) -> {
                    if (ByteSearch.indexOf(content, needle) >= 0) {
                        found.add(file + ": " + what);
                    }
                });
            }
        }
        return found;
    }

    @Test
    void a_member_receives_a_5_mib_file_and_the_server_keeps_only_ciphertext(DatabaseUrl.Sqlite url) throws Exception {
        String name = "report-" + MARKER + ".bin";
        String mime = "application/x-" + MARKER.toLowerCase(java.util.Locale.ROOT);
        Path original = markedFile(name);
        Path bobDir = Files.createDirectories(work.resolve("bob"));
        FileDescriptor sent;
        FileDescriptor delivered;
        Path received;
        try (TestServer server = start(url)) {
            MediaClient alice = client(server, member(server));
            MediaClient bob = client(server, member(server));

            sent = Attachments.send(original, mime, alice, random);
            // What travels inside the end-to-end encrypted kind-3 event.
            delivered = FileDescriptor.decode(sent.encode());
            received = Attachments.receive(delivered, bob, bobDir);

            assertThat(alice.quota().used()).isEqualTo(sent.ciphertextSize());
            assertThat(bob.quota().used()).isZero();
            assertThat(bob.quota().maxFileSize()).isEqualTo(MAX_FILE_SIZE);
        }

        assertThat(Files.readAllBytes(received)).isEqualTo(Files.readAllBytes(original));
        assertThat(received).isEqualTo(bobDir.resolve(name));
        assertThat(TestFiles.files(bobDir)).containsExactly(received);
        assertThat(delivered).isEqualTo(sent);
        assertThat(sent.name()).isEqualTo(name);
        assertThat(sent.size()).isEqualTo(5 << 20);
        assertThat(sent.mime()).isEqualTo(mime);

        List<Path> blobs = TestFiles.files(dataDir.resolve("media"));
        assertThat(blobs).as("the stored blob").anySatisfy(blob -> {
            assertThat(Files.size(blob)).isEqualTo(sent.ciphertextSize());
            assertThat(MediaClient.sha256(blob)).isEqualTo(sent.ciphertextSha256());
        });
        Map<String, byte[]> secrets = Map.of(
                "marker", MARKER.getBytes(StandardCharsets.US_ASCII),
                "mime", mime.getBytes(StandardCharsets.US_ASCII),
                "aes key", sent.key().aesKey(),
                "mac key", sent.key().macKey(),
                "plaintext sha256", sent.plaintextSha256(),
                "plaintext sha256 (hex)",
                        HexFormat.of().formatHex(sent.plaintextSha256()).getBytes(StandardCharsets.US_ASCII));
        // The search finds what is there: the sender's file holds the marker.
        assertThat(occurrences(List.of(original.getParent()), secrets)).contains(original + ": marker");
        assertThat(occurrences(List.of(dataDir, url.file().getParent()), secrets))
                .isEmpty();
        assertThat(TestFiles.files(url.file().getParent())).isNotEmpty();

        List<String> logged = logs.list.stream()
                .map(e -> e.getFormattedMessage() + " " + e.getKeyValuePairs())
                .toList();
        assertThat(logged)
                .isNotEmpty()
                .noneMatch(line -> line.contains(MARKER)
                        || line.toLowerCase(java.util.Locale.ROOT).contains(MARKER.toLowerCase(java.util.Locale.ROOT)));
    }

    @Test
    void server_refusals_carry_the_server_error_code(DatabaseUrl.Sqlite url) throws Exception {
        try (TestServer server = start(url)) {
            MediaClient alice = client(server, member(server));
            MediaClient bob = client(server, member(server));
            Path blob = TestFiles.random(work, "blob", 1000, 1);
            String id = alice.upload(blob, "application/octet-stream");

            assertThatThrownBy(() -> bob.delete(id)).isInstanceOfSatisfying(RefusedException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN);
                assertThat(e.wireCode()).isEqualTo("forbidden");
                assertThat(e.status()).isEqualTo(403);
            });
            assertThatThrownBy(() -> alice.upload(blob, "", new byte[32]))
                    .isInstanceOfSatisfying(
                            RefusedException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.DIGEST_MISMATCH));
            Path tooLarge = TestFiles.random(work, "large", MAX_FILE_SIZE + 1, 2);
            assertThatThrownBy(() -> alice.upload(tooLarge, "")).isInstanceOfSatisfying(RefusedException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.PAYLOAD_TOO_LARGE);
                assertThat(e.getMessage()).contains(Integer.toString(MAX_FILE_SIZE + 1));
            });
            assertThatThrownBy(() -> client(server, "not-a-token").quota())
                    .isInstanceOfSatisfying(
                            RefusedException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TOKEN_INVALID));
            assertThat(alice.quota().used()).as("refused uploads use no quota").isEqualTo(1000);

            Path copy = work.resolve("copy");
            bob.download(id, copy);
            assertThat(Files.readAllBytes(copy)).isEqualTo(Files.readAllBytes(blob));
            alice.delete(id);
            assertThat(alice.quota().used()).isZero();
            Path gone = work.resolve("gone");
            assertThatThrownBy(() -> bob.download(id, gone))
                    .isInstanceOfSatisfying(
                            RefusedException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
            assertThat(gone).doesNotExist();
            assertThat(TestFiles.files(work)).containsExactlyInAnyOrder(blob, tooLarge, copy);
        }
    }

    @Test
    void receiving_a_file_whose_descriptor_was_altered_leaves_nothing(DatabaseUrl.Sqlite url) throws Exception {
        Path original = TestFiles.random(work, "photo.jpg", 100_000, 3);
        Path inbox = Files.createDirectories(work.resolve("inbox"));
        try (TestServer server = start(url)) {
            MediaClient alice = client(server, member(server));
            MediaClient bob = client(server, member(server));
            FileDescriptor sent = Attachments.send(original, "image/jpeg", alice, random);
            FileDescriptor wrongDigest = new FileDescriptor(
                    sent.mediaId(),
                    sent.name(),
                    sent.size(),
                    sent.mime(),
                    new byte[32],
                    sent.plaintextSha256(),
                    sent.key());
            FileDescriptor wrongKey = new FileDescriptor(
                    sent.mediaId(),
                    sent.name(),
                    sent.size(),
                    sent.mime(),
                    sent.ciphertextSha256(),
                    sent.plaintextSha256(),
                    AttachmentKey.generate(random));
            FileDescriptor wrongSize = new FileDescriptor(
                    sent.mediaId(),
                    sent.name(),
                    sent.size() + 16,
                    sent.mime(),
                    sent.ciphertextSha256(),
                    sent.plaintextSha256(),
                    sent.key());

            assertRefused(wrongDigest, bob, inbox, Reason.DIGEST_MISMATCH);
            assertRefused(wrongKey, bob, inbox, Reason.MAC_MISMATCH);
            assertRefused(wrongSize, bob, inbox, Reason.TRUNCATED);
            assertThat(TestFiles.files(inbox)).isEmpty();

            Path first = Attachments.receive(sent, bob, inbox);
            Path second = Attachments.receive(sent, bob, inbox);
            assertThat(first).isEqualTo(inbox.resolve("photo.jpg"));
            assertThat(second).as("never replaces a file").isEqualTo(inbox.resolve("photo (1).jpg"));
            assertThat(Files.readAllBytes(second)).isEqualTo(Files.readAllBytes(original));
        }
    }

    @Test
    void a_hostile_name_cannot_leave_the_target_directory(DatabaseUrl.Sqlite url) throws Exception {
        Path original = TestFiles.random(work, "x", 10, 4);
        Path inbox = Files.createDirectories(work.resolve("deep/inbox"));
        try (TestServer server = start(url)) {
            MediaClient alice = client(server, member(server));
            FileDescriptor sent = Attachments.send(original, "text/plain", alice, random);
            FileDescriptor hostile = new FileDescriptor(
                    sent.mediaId(),
                    "../../escaped",
                    sent.size(),
                    sent.mime(),
                    sent.ciphertextSha256(),
                    sent.plaintextSha256(),
                    sent.key());

            Path received = Attachments.receive(hostile, client(server, member(server)), inbox);

            assertThat(received).isEqualTo(inbox.resolve("escaped"));
            assertThat(work.resolve("escaped")).doesNotExist();
        }
    }

    private static void assertRefused(FileDescriptor d, MediaClient media, Path inbox, Reason reason) {
        assertThatThrownBy(() -> Attachments.receive(d, media, inbox))
                .isInstanceOfSatisfying(
                        AttachmentException.class, e -> assertThat(e.reason()).isEqualTo(reason));
        assertThat(TestFiles.files(inbox)).isEmpty();
    }
}
