// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nexuslink.client.ClientEvent;
import org.nexuslink.client.Conversation;
import org.nexuslink.client.NexusClient;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.crypto.identity.AccountIdentity;
import org.nexuslink.crypto.identity.DeviceId;
import org.nexuslink.crypto.identity.DeviceKeyPair;
import org.nexuslink.crypto.keystore.VaultContents;

/**
 * A node dies under load: three server processes (the packaged jar) share one PostgreSQL schema
 * and the real Redis and one server key file; SDK clients are spread over them, each through a
 * balancer that sends a new connection to its first preferred node that accepts it, as a load
 * balancer's health check would. Senders stream direct messages while node A is killed with
 * SIGKILL. The clients that were on A reconnect to another node and drain their queues: every
 * message whose send was acknowledged arrives, and none reaches the application twice.
 */
class NodeFailoverIT {
    private static final String POSTGRES =
            System.getenv().getOrDefault("NEXUSLINK_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/test");
    private static final int NODES = 3;
    private static final int SENDERS = 3;
    private static final int RECEIVERS = 3;
    private static final long WAIT_SECONDS = 60;

    @TempDir
    Path dir;

    private final List<Process> nodes = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @Test
    void the_clients_of_a_killed_node_reconnect_elsewhere_and_lose_or_repeat_nothing() throws Exception {
        String schema = "failover_" + Long.toUnsignedString(new SecureRandom().nextLong(), 36);
        sql("CREATE SCHEMA " + schema);
        try {
            run(schema);
        } finally {
            for (AutoCloseable closeable : closeables.reversed()) {
                closeable.close();
            }
            for (Process node : nodes) {
                node.destroy();
                node.waitFor(20, TimeUnit.SECONDS);
            }
            sql("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }

    private void run(String schema) throws Exception {
        String prefix = "nxl-test-failover-" + UUID.randomUUID();
        for (int i = 0; i < NODES; i++) {
            ports.add(freePort());
        }
        // The first node creates the shared server key; the others start once it exists.
        nodes.add(start(0, schema, prefix));
        awaitHealthy(0);
        for (int i = 1; i < NODES; i++) {
            nodes.add(start(i, schema, prefix));
        }
        for (int i = 1; i < NODES; i++) {
            awaitHealthy(i);
        }

        // Client k prefers node k % NODES, then the next ones: receivers 0 and senders 0 start on node A.
        List<Client> receivers = new ArrayList<>();
        List<Client> senders = new ArrayList<>();
        for (int k = 0; k < RECEIVERS; k++) {
            receivers.add(client("receiver" + k, k % NODES));
        }
        for (int k = 0; k < SENDERS; k++) {
            senders.add(client("sender" + k, k % NODES));
        }
        await("the two clients that prefer node A are connected to it", () -> webSocketsOnNode(0) == 2);

        Map<String, String> ackedTo = new ConcurrentHashMap<>();
        AtomicInteger failedSends = new AtomicInteger();
        AtomicBoolean sending = new AtomicBoolean(true);
        List<Thread> load = new ArrayList<>();
        for (int s = 0; s < SENDERS; s++) {
            Client sender = senders.get(s);
            int number = s;
            load.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; sending.get(); i++) {
                    Client to = receivers.get(i % RECEIVERS);
                    String text = "s" + number + "-" + i;
                    try {
                        sender.client.sendText(new Conversation.Direct(to.account), text, Optional.empty());
                        ackedTo.put(text, to.id);
                    } catch (IOException | RuntimeException failed) {
                        // Not acknowledged: it may arrive or not, but never twice.
                        failedSends.incrementAndGet();
                        awaitConnected(sender);
                    }
                }
            }));
        }

        await("100 messages acknowledged before the kill", () -> ackedTo.size() >= 100);
        Process nodeA = nodes.getFirst();
        nodeA.destroyForcibly();
        assertThat(nodeA.waitFor(20, TimeUnit.SECONDS)).isTrue();
        int ackedAtKill = ackedTo.size();
        await("100 more messages acknowledged after the kill", () -> ackedTo.size() >= ackedAtKill + 100);
        sending.set(false);
        for (Thread thread : load) {
            thread.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        }

        Map<String, String> acknowledged = Map.copyOf(ackedTo);
        await(
                "every acknowledged message reached its recipient",
                () -> acknowledged.entrySet().stream()
                        .allMatch(
                                e -> receiver(receivers, e.getValue()).received.containsKey(e.getKey())));

        for (Client receiver : receivers) {
            assertThat(receiver.received)
                    .as("%s got no message twice", receiver.name)
                    .allSatisfy(
                            (text, count) -> assertThat(count.get()).as(text).isEqualTo(1));
        }
        Client onNodeA = receivers.getFirst();
        assertThat(onNodeA.disconnects.get())
                .as("the receiver on node A lost its connection")
                .isPositive();
        assertThat(onNodeA.client.isConnected())
                .as("and is connected again, to another node")
                .isTrue();
        assertThat(onNodeA.receivedAfterReconnect.get())
                .as("and drained on another node")
                .isPositive();
        assertThat(senders.getFirst().disconnects.get())
                .as("the sender on node A lost its connection too")
                .isPositive();
        assertThat(acknowledged.size())
                .as("acknowledged (%d sends failed around the kill)", failedSends.get())
                .isGreaterThanOrEqualTo(200);
        await("every client is connected to a surviving node", () -> webSocketsOnSurvivors() == RECEIVERS + SENDERS);
        System.out.printf(
                "node failover: acknowledged=%d (%d before the kill) failed_sends=%d"
                        + " drained_after_reconnect_on_receiver0=%d%n",
                acknowledged.size(), ackedAtKill, failedSends.get(), onNodeA.receivedAfterReconnect.get());
    }

    private int webSocketsOnSurvivors() {
        return webSocketsOnNode(1) + webSocketsOnNode(2);
    }

    private int webSocketsOnNode(int node) {
        try {
            return webSocketsOn(node);
        } catch (IOException e) {
            return -1;
        }
    }

    private static void awaitConnected(Client client) {
        for (int i = 0; i < 500 && !client.client.isConnected(); i++) {
            try {
                TimeUnit.MILLISECONDS.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static Client receiver(List<Client> receivers, String id) {
        return receivers.stream().filter(r -> r.id.equals(id)).findFirst().orElseThrow();
    }

    /** An SDK client with its own profile, joined and connected through its balancer. */
    private final class Client implements AutoCloseable {
        final String name;
        final AccountId account;
        final String id;
        final NexusClient client;
        final Map<String, AtomicInteger> received = new ConcurrentHashMap<>();
        final AtomicInteger disconnects = new AtomicInteger();
        final AtomicInteger receivedAfterReconnect = new AtomicInteger();

        Client(String name, Balancer balancer) throws IOException {
            this.name = name;
            AccountIdentity identity = AccountIdentity.generate();
            DeviceKeyPair device = DeviceKeyPair.generate();
            Clock clock = Clock.systemUTC();
            VaultContents keys = new VaultContents(
                    identity.accountId(),
                    Optional.of(identity),
                    Optional.empty(),
                    device,
                    identity.certify(
                            DeviceId.PRIMARY,
                            device.publicKey(),
                            clock.instant().minusSeconds(5),
                            Optional.empty()));
            this.account = identity.accountId();
            this.id = account.toString();
            this.client = NexusClient.open(dir.resolve(name), keys, clock);
            client.subscribe(event -> {
                switch (event) {
                    case ClientEvent.MessageReceived received -> {
                        this.received
                                .computeIfAbsent(received.message().text(), t -> new AtomicInteger())
                                .incrementAndGet();
                        if (disconnects.get() > 0) {
                            receivedAfterReconnect.incrementAndGet();
                        }
                    }
                    case ClientEvent.ConnectionChanged changed -> {
                        if (!changed.connected()) {
                            disconnects.incrementAndGet();
                        }
                    }
                    case ClientEvent.MessageRevoked ignored -> {}
                    case ClientEvent.MessageRejected ignored -> {}
                    case ClientEvent.SafetyNumberChanged ignored -> {}
                    case ClientEvent.DeviceRemoved ignored -> {}
                    case ClientEvent.KeyLogRefused ignored -> {} // a refusal fails the send itself
                    case ClientEvent.OwnKeysChanged ignored -> {}
                }
            });
            client.join(balancer.uri(), name);
            client.connect();
        }

        @Override
        public void close() {
            client.close();
        }
    }

    private Client client(String name, int preferred) throws IOException {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < NODES; i++) {
            order.add(ports.get((preferred + i) % NODES));
        }
        Balancer balancer = new Balancer(order);
        closeables.add(balancer);
        Client client = new Client(name, balancer);
        closeables.add(client);
        return client;
    }

    /**
     * A TCP balancer for one client: each new connection goes to the first node in its order that
     * accepts it, and is piped both ways until either side closes. A killed node's connections
     * end when the kernel resets them, and the client's reconnect lands on the next node.
     */
    private static final class Balancer implements AutoCloseable {
        private final ServerSocket listener = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        private final List<Integer> order;
        private final Set<Socket> open = ConcurrentHashMap.newKeySet();

        Balancer(List<Integer> order) throws IOException {
            this.order = List.copyOf(order);
            Thread.ofVirtual().start(this::accept);
        }

        URI uri() {
            return URI.create("http://127.0.0.1:" + listener.getLocalPort());
        }

        private void accept() {
            while (!listener.isClosed()) {
                try {
                    Socket client = listener.accept();
                    open.add(client);
                    Thread.ofVirtual().start(() -> route(client));
                } catch (IOException closed) {
                    return;
                }
            }
        }

        private void route(Socket client) {
            for (int port : order) {
                Socket backend = new Socket();
                try {
                    backend.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                } catch (IOException refused) {
                    continue;
                }
                open.add(backend);
                Thread.ofVirtual().start(() -> pipe(client, backend));
                pipe(backend, client);
                return;
            }
            closeQuietly(client);
        }

        private void pipe(Socket from, Socket to) {
            try (InputStream in = from.getInputStream();
                    OutputStream out = to.getOutputStream()) {
                in.transferTo(out);
            } catch (IOException ended) {
                // One side closed or was reset: close both, as a balancer does.
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }

        private void closeQuietly(Socket socket) {
            open.remove(socket);
            try {
                socket.close();
            } catch (IOException ignored) {
                // Already closed.
            }
        }

        @Override
        public void close() throws IOException {
            listener.close();
            for (Socket socket : open) {
                closeQuietly(socket);
            }
        }
    }

    private Process start(int node, String schema, String prefix) throws IOException {
        Path jar = Path.of("target", "nexuslink.jar").toAbsolutePath();
        Path java = Path.of(ProcessHandle.current().info().command().orElseThrow());
        ProcessBuilder builder = new ProcessBuilder(List.of(
                        java.toString(),
                        "-Xmx256m",
                        "--enable-native-access=ALL-UNNAMED",
                        "-jar",
                        jar.toString(),
                        "server",
                        "--data-dir",
                        dir.resolve("node" + node).toString(),
                        "--port",
                        Integer.toString(ports.get(node))))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("node" + node + ".log").toFile());
        Map<String, String> env = builder.environment();
        env.put("NEXUSLINK_DB_URL", POSTGRES + (POSTGRES.contains("?") ? "&" : "?") + "schema=" + schema);
        env.put("NEXUSLINK_REDIS_ENABLED", "true");
        env.put("NEXUSLINK_REDIS_URL", "redis://127.0.0.1:6379");
        env.put("NEXUSLINK_REDIS_CHANNEL_PREFIX", prefix);
        env.put("NEXUSLINK_SERVER_KEY_FILE", dir.resolve("server.key").toString());
        env.put("NEXUSLINK_SERVER_BIND_ADDRESS", "127.0.0.1");
        env.put("NEXUSLINK_RATE_LIMIT_WS_MESSAGES_PER_SECOND", "100000");
        env.put("NEXUSLINK_RATE_LIMIT_REQUESTS_PER_SECOND", "100000");
        return builder.start();
    }

    private final HttpClient http = HttpClient.newHttpClient();

    private void awaitHealthy(int node) throws Exception {
        await("node " + node + " healthy with Redis", () -> {
            if (!nodes.get(node).isAlive()) {
                throw new AssertionError("node " + node + " exited: " + log(node));
            }
            try {
                String body = health(node);
                return body.contains("\"status\":\"healthy\"") && body.contains("\"redis\":\"connected\"");
            } catch (IOException notYet) {
                return false;
            }
        });
    }

    private String health(int node) throws IOException {
        try {
            return http.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports.get(node) + "/health"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private int webSocketsOn(int node) throws IOException {
        return new ObjectMapper()
                .readTree(health(node))
                .get("websocket_connections")
                .asInt();
    }

    private String log(int node) {
        try {
            return Files.readString(dir.resolve("node" + node + ".log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** Polls a condition every 50 ms for at most {@value #WAIT_SECONDS} s. */
    private void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + WAIT_SECONDS + " s: " + what + "\nnode B log:\n" + log(1));
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }

    private static void sql(String statement) throws Exception {
        URI parsed = URI.create(POSTGRES);
        String jdbc = "jdbc:postgresql://" + parsed.getHost() + ":" + (parsed.getPort() < 0 ? 5432 : parsed.getPort())
                + parsed.getPath();
        String user =
                parsed.getUserInfo() == null ? "postgres" : parsed.getUserInfo().split(":")[0];
        try (Connection c = DriverManager.getConnection(jdbc, user, null);
                Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
