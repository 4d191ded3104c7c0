// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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

/**
 * Durability: a real server process is killed with SIGKILL while a sender streams direct
 * messages; after a restart on the same data dir, every message the server had acknowledged
 * reaches the recipient.
 */
class CrashDurabilityIT {
    private static final String POSTGRES_URL_VARIABLE = "NEXUSLINK_TEST_POSTGRES_URL";
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    /** Extra environment of the server processes: the database, when it is not the SQLite default. */
    private Map<String, String> database = Map.of();

    @Test
    void no_acknowledged_message_is_lost_when_the_server_is_killed_under_load() throws Exception {
        killUnderLoadAndCount();
    }

    /**
     * The same on PostgreSQL (a fresh schema of the test database, {@value #POSTGRES_URL_VARIABLE}
     * or the local default), where each batch of messages is one auto-committed statement: the
     * server is killed between sending it and hearing back as often as anywhere else.
     */
    @Test
    void on_postgresql_no_acknowledged_message_is_lost_when_the_server_is_killed_under_load() throws Exception {
        String server = System.getenv().getOrDefault(POSTGRES_URL_VARIABLE, "postgres://postgres@127.0.0.1:5432/test");
        String schema = "crash_" + Long.toUnsignedString(new SecureRandom().nextLong(), 36);
        URI parsed = URI.create(server);
        String jdbc = "jdbc:postgresql://" + parsed.getHost() + ":" + (parsed.getPort() < 0 ? 5432 : parsed.getPort())
                + parsed.getPath();
        String user =
                parsed.getUserInfo() == null ? "postgres" : parsed.getUserInfo().split(":")[0];
        try (Connection c = DriverManager.getConnection(jdbc, user, null);
                Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
        try {
            database = Map.of("NEXUSLINK_DB_URL", server + (server.contains("?") ? "&" : "?") + "schema=" + schema);
            killUnderLoadAndCount();
            assertThat(logs()).as("the servers ran on PostgreSQL").contains("dialect=\"POSTGRES\"");
        } finally {
            try (Connection c = DriverManager.getConnection(jdbc, user, null);
                    Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        }
    }

    private void killUnderLoadAndCount() throws Exception {
        int port = freePort();
        Process server = start(port);
        Account alice = join(port, new Account());
        Account bob = join(port, new Account());

        Set<Bytes> acked = ConcurrentHashMap.newKeySet();
        Map<Long, Bytes> sent = new ConcurrentHashMap<>();
        CountDownLatch someAcked = new CountDownLatch(200);
        java.util.Queue<Envelope> refusals = new java.util.concurrent.ConcurrentLinkedQueue<>();
        EnvelopeSocket sender = connect(port, alice.token, envelope -> {
            if (envelope.command() == Command.ERROR && refusals.size() < 3) {
                refusals.add(envelope);
            }
            if (envelope.command() == Command.ACK
                    && sent.containsKey(envelope.seq().value())) {
                acked.add(sent.get(envelope.seq().value()));
                someAcked.countDown();
            }
        });
        Thread load = Thread.ofVirtual().start(() -> {
            for (long i = 1; i <= 1_000_000 && !Thread.currentThread().isInterrupted(); i++) {
                byte[] id = ByteBuffer.allocate(16).putLong(0, i).array();
                sent.put(i, Bytes.of(id));
                Envelope message = Envelope.of(
                        Command.SEND_DIRECT,
                        new Seq(i),
                        new DirectSend(
                                Bytes.of(id), List.of(new DirectSend.Copy(bob.id, 1, 2, Bytes.of(new byte[200])))));
                try {
                    sender.send(message).join();
                } catch (RuntimeException closed) {
                    return;
                }
            }
        });
        boolean loaded = someAcked.await(60, TimeUnit.SECONDS);
        assertThat(loaded)
                .as(
                        "the server acknowledged messages under load; refusals: %s; server log: %s",
                        refusals, loaded ? "" : logs())
                .isTrue();

        server.destroyForcibly();
        assertThat(server.waitFor(20, TimeUnit.SECONDS)).isTrue();
        load.interrupt();
        load.join(10_000);
        Set<Bytes> ackedBeforeKill = Set.copyOf(acked);

        Process restarted = start(port);
        try {
            Set<Bytes> received = ConcurrentHashMap.newKeySet();
            CompletableFuture<Void> all = new CompletableFuture<>();
            EnvelopeSocket recipient = connect(port, bob.token, envelope -> {
                if (envelope.body() instanceof DirectPush push) {
                    received.add(push.messageId());
                    if (received.containsAll(ackedBeforeKill)) {
                        all.complete(null);
                    }
                }
            });
            all.get(120, TimeUnit.SECONDS);

            assertThat(ackedBeforeKill).hasSizeGreaterThanOrEqualTo(200);
            assertThat(received).containsAll(ackedBeforeKill);
        } finally {
            restarted.destroy();
            restarted.waitFor(20, TimeUnit.SECONDS);
        }
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

    private Account join(int port, Account account) throws Exception {
        account.token = new CommunityApi(URI.create("http://127.0.0.1:" + port))
                .trustOnFirstUse()
                .join(account.identity, account.device, account.certificate, "", "test")
                .token();
        return account;
    }

    private EnvelopeSocket connect(int port, String token, java.util.function.Consumer<Envelope> onEnvelope) {
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

    private Process start(int port) throws IOException, InterruptedException {
        Path jar = Path.of("target", "nexuslink.jar").toAbsolutePath();
        Path java = Path.of(ProcessHandle.current().info().command().orElseThrow());
        Path log = dir.resolve("server-" + Instant.now().toEpochMilli() + ".log");
        ProcessBuilder builder = new ProcessBuilder(List.of(
                        java.toString(),
                        "--enable-native-access=ALL-UNNAMED",
                        "-jar",
                        jar.toString(),
                        "server",
                        "--data-dir",
                        dir.resolve("data").toString(),
                        "--port",
                        Integer.toString(port)))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("NEXUSLINK_RATE_LIMIT_WS_MESSAGES_PER_SECOND", "1000000");
        builder.environment().put("NEXUSLINK_RATE_LIMIT_REQUESTS_PER_SECOND", "1000000");
        builder.environment().putAll(database);
        Process process = builder.start();
        HttpClient probe = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("server exited: " + Files.readString(log));
            }
            try {
                if (probe.send(
                                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                                                .build(),
                                        HttpResponse.BodyHandlers.discarding())
                                .statusCode()
                        == 200) {
                    return process;
                }
            } catch (IOException notYet) {
                TimeUnit.MILLISECONDS.sleep(100);
            }
        }
        throw new AssertionError("server did not start: " + Files.readString(log));
    }

    private String logs() throws IOException {
        try (var files = Files.list(dir)) {
            StringBuilder all = new StringBuilder();
            for (Path log : files.filter(f -> f.toString().endsWith(".log")).toList()) {
                all.append(Files.readString(log), 0, Math.min(4000, (int) Files.size(log)));
            }
            return all.toString();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
