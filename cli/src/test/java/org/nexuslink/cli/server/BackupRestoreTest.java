// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nexuslink.cli.Main;
import org.nexuslink.client.community.CommunityApi;
import org.nexuslink.client.community.EnvelopeSocket;
import org.nexuslink.crypto.identity.AccountIdentity;
import org.nexuslink.crypto.identity.DeviceCertificate;
import org.nexuslink.crypto.identity.DeviceId;
import org.nexuslink.crypto.identity.DeviceKeyPair;
import org.nexuslink.protocol.Ack;
import org.nexuslink.protocol.Bytes;
import org.nexuslink.protocol.Command;
import org.nexuslink.protocol.DirectPush;
import org.nexuslink.protocol.DirectSend;
import org.nexuslink.protocol.Envelope;
import org.nexuslink.protocol.MessageId;
import org.nexuslink.protocol.Seq;
import org.nexuslink.server.NexusLinkServer;
import org.nexuslink.server.config.ConfigLoader;

/**
 * {@code nexuslink server backup} and {@code restore} on the embedded SQLite server: a backup
 * taken while a sender streams messages restores into a server that delivers every message
 * acknowledged before the backup began; a restore refuses what it must not touch.
 */
class BackupRestoreTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {}

    /** Runs the real {@code nexuslink} command line in this process. */
    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        picocli.CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private static NexusLinkServer start(Path data) {
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
                                "NEXUSLINK_RATE_LIMIT_WS_MESSAGES_PER_SECOND",
                                "1000000"),
                        Map.of()),
                Clock.systemUTC());
    }

    @Test
    void a_backup_under_load_restores_every_message_acknowledged_before_it_began() throws Exception {
        Path data = dir.resolve("data");
        Path archive = dir.resolve("backup.zip");
        Path restored = dir.resolve("restored");
        byte[] serverKey;
        byte[] blob = "ciphertext of a file".getBytes(StandardCharsets.UTF_8);
        Set<Bytes> ackedBeforeBackup;
        int ackedDuringBackup;
        Account bob = new Account();
        try (NexusLinkServer server = start(data)) {
            int port = server.port();
            serverKey = Files.readAllBytes(data.resolve("server.key")); // created at the server's first start
            Files.createDirectories(data.resolve("media/blobs/ab"));
            Files.write(data.resolve("media/blobs/ab/abcdef"), blob);
            Account alice = join(port, new Account());
            join(port, bob);
            // A long reader (an operator's sqlite3 shell, a slow report) holds the write-ahead log:
            // no checkpoint can move the messages below into the database file, so a backup must
            // read them through the log as SQLite does, not copy the file.
            Connection reader = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("nexuslink.db"));
            reader.setAutoCommit(false);
            try (Statement statement = reader.createStatement();
                    ResultSet snapshot = statement.executeQuery("SELECT count(*) FROM message_queue")) {
                assertThat(snapshot.next()).isTrue();
            }

            Set<Bytes> acked = ConcurrentHashMap.newKeySet();
            Map<Long, Bytes> sent = new ConcurrentHashMap<>();
            CountDownLatch someAcked = new CountDownLatch(200);
            CountDownLatch moreAfterBackup = new CountDownLatch(1);
            AtomicBoolean backupDone = new AtomicBoolean();
            EnvelopeSocket sender = connect(port, alice.token, envelope -> {
                if (envelope.command() == Command.ACK
                        && sent.containsKey(envelope.seq().value())) {
                    acked.add(sent.get(envelope.seq().value()));
                    someAcked.countDown();
                    if (backupDone.get()) {
                        moreAfterBackup.countDown();
                    }
                }
            });
            Thread load = Thread.ofVirtual().start(() -> {
                for (long i = 1; !Thread.currentThread().isInterrupted(); i++) {
                    byte[] id = ByteBuffer.allocate(16).putLong(0, i).array();
                    sent.put(i, Bytes.of(id));
                    try {
                        sender.send(Envelope.of(
                                        Command.SEND_DIRECT,
                                        new Seq(i),
                                        new DirectSend(
                                                Bytes.of(id),
                                                List.of(new DirectSend.Copy(bob.id, 1, 2, Bytes.of(new byte[200]))))))
                                .join();
                    } catch (RuntimeException closed) {
                        return;
                    }
                }
            });
            assertThat(someAcked.await(60, TimeUnit.SECONDS))
                    .as("the server acknowledges messages")
                    .isTrue();

            // A backup that blocked the writers would never see an acknowledgement while it runs;
            // one that does not may still finish between two on a busy machine, so it gets a few
            // tries, and the last one is restored.
            Run backup;
            int tries = 0;
            do {
                Files.deleteIfExists(archive);
                ackedBeforeBackup = Set.copyOf(acked);
                backup = run("server", "backup", "--data-dir", data.toString(), "--to", archive.toString());
                ackedDuringBackup = acked.size() - ackedBeforeBackup.size();
                tries++;
            } while (ackedDuringBackup == 0 && backup.exit() == 0 && tries < 5);
            backupDone.set(true);
            assertThat(moreAfterBackup.await(30, TimeUnit.SECONDS))
                    .as("the server kept acknowledging")
                    .isTrue();
            load.interrupt();
            load.join(10_000);
            reader.rollback();
            reader.close();

            assertThat(backup.exit()).as(backup.err()).isZero();
            assertThat(backup.out()).contains("backup written to", "1 media files", "server key");
        }
        assertThat(ackedBeforeBackup).hasSizeGreaterThanOrEqualTo(200);
        assertThat(ackedDuringBackup)
                .as("senders were acknowledged while the backup ran")
                .isPositive();

        Run restore = run("server", "restore", "--from", archive.toString(), "--data-dir", restored.toString());
        assertThat(restore.exit()).as(restore.err()).isZero();
        assertThat(Files.readAllBytes(restored.resolve("server.key"))).isEqualTo(serverKey);
        assertThat(Files.readAllBytes(restored.resolve("media/blobs/ab/abcdef")))
                .isEqualTo(blob);

        Set<Bytes> mustHave = ackedBeforeBackup;
        try (NexusLinkServer server = start(restored)) {
            Set<Bytes> received = ConcurrentHashMap.newKeySet();
            CompletableFuture<Void> all = new CompletableFuture<>();
            connect(server.port(), bob.token, envelope -> {
                if (envelope.body() instanceof DirectPush push) {
                    received.add(push.messageId());
                    if (received.containsAll(mustHave)) {
                        all.complete(null);
                    }
                }
            });
            all.get(120, TimeUnit.SECONDS);
            assertThat(received).containsAll(mustHave);
        }
    }

    @Test
    void restore_refuses_a_directory_that_is_not_empty_and_leaves_it_as_it_was() throws Exception {
        Path archive = backupOfAFreshServer();
        Path target = Files.createDirectories(dir.resolve("busy"));
        Files.writeString(target.resolve("keep.txt"), "mine");

        Run restore = run("server", "restore", "--from", archive.toString(), "--data-dir", target.toString());

        assertThat(restore.exit()).isEqualTo(1);
        assertThat(restore.err()).contains("not empty", target.toString());
        try (var children = Files.list(target)) {
            assertThat(children.toList()).containsExactly(target.resolve("keep.txt"));
        }
        assertThat(Files.readString(target.resolve("keep.txt"))).isEqualTo("mine");
    }

    @Test
    void an_altered_archive_is_refused_and_leaves_nothing_behind() throws Exception {
        Path archive = backupOfAFreshServer();
        Path altered = dir.resolve("altered.zip");
        try (ZipFile in = new ZipFile(archive.toFile());
                OutputStream file = Files.newOutputStream(altered);
                ZipOutputStream out = new ZipOutputStream(file)) {
            for (ZipEntry entry : in.stream().toList()) {
                byte[] content = in.getInputStream(entry).readAllBytes();
                if (entry.getName().equals("server.key")) {
                    content[0] ^= 1;
                }
                out.putNextEntry(new ZipEntry(entry.getName()));
                out.write(content);
                out.closeEntry();
            }
        }
        Path target = dir.resolve("target");

        Run restore = run("server", "restore", "--from", altered.toString(), "--data-dir", target.toString());

        assertThat(restore.exit()).isEqualTo(1);
        assertThat(restore.err()).contains("damaged or altered", "server.key");
        assertThat(Files.exists(target))
                .as("the new directory is removed again")
                .isFalse();
    }

    @Test
    void a_crafted_archive_cannot_write_outside_the_data_directory() throws Exception {
        Path archive = dir.resolve("evil.zip");
        ObjectNode manifest = JSON.createObjectNode()
                .put("format", 1)
                .put("version", "x")
                .put("schema_version", "1")
                .put("created_at", "2026-01-01T00:00:00Z");
        byte[] payload = "planted".getBytes(StandardCharsets.UTF_8);
        String digest = java.util.HexFormat.of()
                .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(payload));
        var files = manifest.putArray("files");
        files.addObject()
                .put("path", "media/../../escape")
                .put("size", payload.length)
                .put("sha256", digest);
        files.addObject()
                .put("path", "nexuslink.db")
                .put("size", 0)
                .put(
                        "sha256",
                        java.util.HexFormat.of()
                                .formatHex(java.security.MessageDigest.getInstance("SHA-256")
                                        .digest(new byte[0])));
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(archive))) {
            out.putNextEntry(new ZipEntry("manifest.json"));
            out.write(JSON.writeValueAsBytes(manifest));
            out.closeEntry();
            out.putNextEntry(new ZipEntry("media/../../escape"));
            out.write(payload);
            out.closeEntry();
            out.putNextEntry(new ZipEntry("nexuslink.db"));
            out.closeEntry();
        }
        Path target = dir.resolve("target");

        Run restore = run("server", "restore", "--from", archive.toString(), "--data-dir", target.toString());

        assertThat(restore.exit()).isEqualTo(1);
        assertThat(restore.err()).contains("outside the data directory", "media/../../escape");
        assertThat(Files.exists(target)).isFalse();
        assertThat(Files.exists(dir.resolve("escape"))).isFalse();
    }

    @Test
    void restore_refuses_a_file_that_is_not_a_backup() throws Exception {
        Path notZip = Files.writeString(dir.resolve("notes.txt"), "hello");

        Run restore = run(
                "server",
                "restore",
                "--from",
                notZip.toString(),
                "--data-dir",
                dir.resolve("t").toString());

        assertThat(restore.exit()).isEqualTo(1);
        assertThat(restore.err()).contains("not a NexusLink backup");
        assertThat(Files.exists(dir.resolve("t"))).isFalse();
    }

    @Test
    void backup_refuses_to_overwrite_a_file_and_names_it() throws Exception {
        Path archive = backupOfAFreshServer();
        byte[] before = Files.readAllBytes(archive);

        Run again = run("server", "backup", "--data-dir", dir.resolve("fresh").toString(), "--to", archive.toString());

        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.err()).contains("already exists", archive.toString());
        assertThat(Files.readAllBytes(archive)).isEqualTo(before);
    }

    @Test
    void backup_of_a_postgresql_server_points_to_pg_dump() throws Exception {
        Path config = Files.writeString(
                dir.resolve("pg.toml"), "[database]\nurl = \"postgres://nexuslink@127.0.0.1:5432/nexuslink\"\n");

        Run run = run(
                "server",
                "backup",
                "--config",
                config.toString(),
                "--to",
                dir.resolve("b.zip").toString());

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("POSTGRES", "pg_dump");
        assertThat(Files.exists(dir.resolve("b.zip"))).isFalse();
    }

    @Test
    void backup_into_a_missing_directory_names_it() throws Exception {
        Path archive = dir.resolve("nowhere").resolve("b.zip");
        start(dir.resolve("fresh")).close();

        Run run = run("server", "backup", "--data-dir", dir.resolve("fresh").toString(), "--to", archive.toString());

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("directory", dir.resolve("nowhere").toString(), "does not exist");
        assertThat(Files.exists(dir.resolve("nowhere"))).isFalse();
    }

    @Test
    void backup_without_a_database_says_where_it_looked() {
        Run run = run(
                "server",
                "backup",
                "--data-dir",
                dir.resolve("none").toString(),
                "--to",
                dir.resolve("b.zip").toString());

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("no SQLite database", dir.resolve("none").toString());
        assertThat(Files.exists(dir.resolve("b.zip"))).isFalse();
    }

    @Test
    void a_backup_manifest_lists_every_file_with_its_digest() throws Exception {
        Path archive = backupOfAFreshServer();
        try (ZipFile zip = new ZipFile(archive.toFile())) {
            JsonNode manifest = JSON.readTree(zip.getInputStream(zip.getEntry("manifest.json")));
            assertThat(manifest.get("format").asInt()).isEqualTo(1);
            assertThat(manifest.get("schema_version").asText()).isNotBlank();
            assertThat(manifest.get("created_at").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
            assertThat(manifest.get("files").findValuesAsText("path")).contains("nexuslink.db", "server.key");
            assertThat(manifest.get("files").get(0).get("sha256").asText()).matches("[0-9a-f]{64}");
        }
    }

    /** A backup of a server that ran and stopped, with a server key. */
    private Path backupOfAFreshServer() throws Exception {
        Path data = dir.resolve("fresh");
        start(data).close(); // which creates its server key
        Path archive = dir.resolve("fresh.zip");
        Run backup = run("server", "backup", "--data-dir", data.toString(), "--to", archive.toString());
        assertThat(backup.exit()).as(backup.err()).isZero();
        return archive;
    }

    /** An identity with one certified device and, once joined, its token. */
    private static final class Account {
        final AccountIdentity identity = AccountIdentity.generate();
        final DeviceKeyPair device = DeviceKeyPair.generate();
        final DeviceCertificate certificate = identity.certify(
                new DeviceId(1), device.publicKey(), Clock.systemUTC().instant().minusSeconds(5), Optional.empty());
        final String id = identity.accountId().toString();
        String token;
    }

    private static Account join(int port, Account account) throws Exception {
        account.token = new CommunityApi(URI.create("http://127.0.0.1:" + port))
                .trustOnFirstUse()
                .join(account.identity, account.device, account.certificate, "", "test")
                .token();
        return account;
    }

    private EnvelopeSocket connect(int port, String token, Consumer<Envelope> onEnvelope) {
        EnvelopeSocket[] self = new EnvelopeSocket[1];
        self[0] = EnvelopeSocket.connect(http, URI.create("ws://127.0.0.1:" + port + "/ws"), token, envelope -> {
            onEnvelope.accept(envelope);
            if (envelope.body() instanceof DirectPush push) {
                self[0].send(Envelope.of(
                        Command.ACK, new Seq(1), new Ack(Optional.of(new MessageId(push.entry())), Optional.empty())));
            }
        });
        return self[0];
    }
}
